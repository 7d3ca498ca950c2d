# listing-source.rb: an asciidoctor extension that names, in its title, the
# file of every listing included from the lab's sources
#     [source,c]
#     ----
#     include::../chapters/shm/shm_create.c[tag=create]
#     ----
# and in HTML links the title to the whole file, at the listing's first line:
# src/chapters/shm/shm_create.c.html#L40 (which book/make-pages writes).
#
# usage: asciidoctor -r ./book/listing-source.rb ...
#
# It turns on the sourcemap: asciidoctor 2.0 gives a block that starts with an
# include the included file as its source location.
require 'asciidoctor/extensions'

# The book and the sources are UTF-8, whatever the locale (a container may
# have none: Ruby would read US-ASCII).
Encoding.default_external = Encoding::UTF_8

# #L12 where the listing's first lines are in FILE, line 12 ('' if not found):
# the whole file's page opens at the region the listing shows.
def line_of(block, file)
  numbered = File.readlines(file, chomp: true).each_with_index.reject { |text, _| text.match? %r{\btag::|\bend::} }
  first = block.lines.take(3)
  at = numbered.each_cons(first.size).find { |run| run.map(&:first) == first }
  at ? "#L#{at[0][1] + 1}" : ''
end

Asciidoctor::Extensions.register do
  preprocessor do
    process do |doc, reader|
      doc.sourcemap = true
      reader
    end
  end

  tree_processor do
    process do |doc|
      top = File.expand_path('..', __dir__) + '/'
      doc.find_by(context: :listing).each do |block|
        next if block.title? || !(file = block.source_location&.file)&.start_with?(top)
        next unless (path = file.delete_prefix top).match? %r{\A(chapters|common|tests)/}
        block.title = doc.backend == 'html5' ? %(link:src/#{path}.html#{line_of block, file}[`#{path}`]) : %(`#{path}`)
      end
      nil
    end
  end
end
