# lib.sh: what every figure script shares. Sourced by book/figures/NAME,
# which runs the lab's programs, checks what it saw, and prints one graph in
# dot on stdout; the Makefile (book/figures.mk) renders it as
# book/build/figures/NAME.svg.
#
# Here: strict mode; $lab, the top of the lab; $scratch, a directory removed
# at exit; at_exit CMD, to run CMD at exit, also when interrupted (it removes
# what the run made); fail MESSAGE; hold and release, for a process that
# runs beside the script; a timeline; and the one style of all figures
# (graph_head, and the node styles below), so that they read as one set.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"
export LC_ALL=C
figure=${0##*/}
lab=$(cd "$(dirname "$0")/../.." && pwd)
# At exit, the processes the run started are stopped (SIGTERM: the lab's
# demos then remove what they made), then the exit commands run, in order.
# Register an exit command before the object exists, with the variable that
# will hold its id in single quotes: a signal may come between the two.
scratch=
exit_commands=()
at_exit() { exit_commands+=("$1"); }
run_exit_commands() {
    local c pids
    pids=$(jobs -p)
    [ -z "$pids" ] || kill $pids 2>/dev/null || true
    for c in "${exit_commands[@]}"; do eval "$c" >/dev/null 2>&1 || true; done
    [ -z "$scratch" ] || rm -rf "$scratch"
}
trap run_exit_commands EXIT
trap 'exit 130' INT TERM HUP            # so that the EXIT trap runs then too
# (mkdir, not scratch=$(mktemp -d): a signal during that would leave the
# directory made and $scratch empty)
scratch=${TMPDIR:-/tmp}/ipclab-figure.$$.$RANDOM
mkdir -m 700 "$scratch" || { scratch=; fail "cannot make a scratch directory"; }
fail() { echo "$figure: $*" >&2; exit 1; }

# One font (Helvetica: every PDF reader has it, browsers use their own
# sans-serif, graphviz measures it as Liberation Sans), nothing from the
# network. Kernel objects are yellow boxes, processes blue, files green; what
# the kernel says (counts, states) is in the labels. A figure is drawn narrow
# (about 420 pt at most) so that a 400 px phone shows it whole and legible.
graph_head() {                          # graph_head [RANKDIR]
    cat <<EOT
digraph "$figure" {
  graph [fontname="Helvetica", fontsize=12, rankdir=${1:-TB}, nodesep=0.25, ranksep=0.35,
         bgcolor="white", pad=0.1]
  node  [fontname="Helvetica", fontsize=12, shape=box, style="rounded,filled",
         fillcolor="white", color="#444444", margin="0.12,0.06"]
  edge  [fontname="Helvetica", fontsize=11, color="#444444", arrowsize=0.7]
EOT
}
object=', fillcolor="#fff2c2"'          # a kernel object: segment, set, queue
process=', fillcolor="#d8e8fb"'         # a process
file=', fillcolor="#dcf2d8"'            # a file, a name in a filesystem
gone=', fillcolor="#eeeeee", style="rounded,filled,dashed"'
note='shape=plaintext, style="", fontsize=11'

# html TEXT: TEXT made safe for a graphviz HTML label
html() { local s=$1; s=${s//&/&amp;}; s=${s//</&lt;}; s=${s//>/&gt;}; s=${s//\"/&quot;}; printf '%s' "$s"; }

# hold N COMMAND...: start COMMAND in the background, its stdin a pipe that
# stays open until release N, its stdout in the file out.N; return when it
# has printed something (shm_hold, when it is attached). ${held[N]} is its
# pid. Each one gets only its own pipe, so that releasing one ends that one.
held=() held_fds=()
hold() {
    local n=$1 fd f; shift
    mkfifo "$scratch/in.$n"
    (for f in "${held_fds[@]}"; do eval "exec $f>&-"; done; exec "$@") \
        <"$scratch/in.$n" >"$scratch/out.$n" &
    held[n]=$!
    exec {fd}>"$scratch/in.$n"; held_fds[n]=$fd
    until [ -s "$scratch/out.$n" ]; do
        kill -0 "$!" 2>/dev/null || fail "$* failed"; sleep 0.02
    done
}
release() {                             # release N: end its input, wait for it
    local fd=${held_fds[$1]}
    exec {fd}>&-; unset "held_fds[$1]"
    wait "${held[$1]}" || fail "process $1 (pid ${held[$1]}) failed"
}

# A timeline: one column (lane) per process or object, time going down.
# timeline_lanes NAME=TITLE...: the columns, left to right.
# Then on stdin of timeline_rows, one line per row: a text per lane, each
# ended by $sep, the ASCII unit separator (empty: nothing happens there then;
# \n breaks a line). The node of
# lane NAME in row I is NAMEI (s0), for the caller's arrows, which are
# printed after timeline_rows and before the closing brace.
sep=$'\x1f'
timeline_lanes() { lanes=("$@"); }
timeline_rows() {
    local row=0 line i name title cells prev=()
    echo '  node [shape=box, style="rounded,filled", fillcolor="white"]'
    echo '  edge [arrowhead=none, color="#999999", style=dashed, weight=100]'
    for i in "${!lanes[@]}"; do
        name=${lanes[i]%%=*} title=${lanes[i]#*=}
        echo "  h_$name [label=\"$title\" ${lane_style[$name]:-$process}]"
        prev[i]=h_$name
    done
    while IFS= read -r line; do
        IFS=$sep read -r -a cells <<<"$line"
        echo "  { rank=same;"
        for i in "${!lanes[@]}"; do
            name=${lanes[i]%%=*}
            if [ -n "${cells[i]:-}" ]; then
                echo "    ${name}$row [label=\"${cells[i]}\"]"
            else
                echo "    ${name}$row [shape=none, width=0, height=0, label=\"\"]"
            fi
        done
        echo "  }"
        for i in "${!lanes[@]}"; do
            name=${lanes[i]%%=*}
            echo "  ${prev[i]} -> ${name}$row"; prev[i]=${name}$row
        done
        row=$((row + 1))
    done
    echo '  edge [arrowhead=normal, color="#444444", style=solid, weight=0, constraint=false]'
}
declare -A lane_style=()
