# listing-source.rb: an asciidoctor extension that names, in its title, the
# file of every listing included from the lab's sources
#     [source,c]
#     ----
#     include::../chapters/shm/shm_create.c[tag=create]
#     ----
# and in HTML links the title to the whole file, src/chapters/shm/shm_create.c.html
# (which book/make-pages writes).
#
# usage: asciidoctor -r ./book/listing-source.rb ...
#
# It turns on the sourcemap: asciidoctor 2.0 gives a block that starts with an
# include the included file as its source location.
require 'asciidoctor/extensions'

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
        block.title = doc.backend == 'html5' ? %(link:src/#{path}.html[`#{path}`]) : %(`#{path}`)
      end
      nil
    end
  end
end
