# Scale curves for docs/benchmarks.md from bench/run_retrieval.sh's data file:
#   gnuplot -e "dat='build/bench/retrieval/scale.dat'; out='docs/bench-retrieval-scale.png'" bench/retrieval_plots.gp
# Columns: questions, index build seconds, ask p50 µs, ask p99 µs.
if (!exists("dat")) dat = "build/bench/retrieval/scale.dat"
if (!exists("out")) out = "docs/bench-retrieval-scale.png"
set terminal pngcairo size 900,420 font ",10"
set output out
set multiplot layout 1,2 title "qabot at scale: generated banks (2 cores)"
set grid
set logscale xy 10
set xlabel "questions in the bank"
set key top left
set title "in-process ask latency"
set ylabel "µs"
plot dat using 1:3 with linespoints title "p50", "" using 1:4 with linespoints title "p99", \
     5000 with lines dashtype 2 title "5 ms"
set title "index build time"
set ylabel "seconds"
plot dat using 1:2 with linespoints title "qabot index", "" using 1:($1*488.6/1e6/10) with lines dashtype 2 title "at 10 MB/s"
unset multiplot
