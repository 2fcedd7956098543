# Curves for docs/benchmarks.md from bench/server_report.py's data files:  gnuplot -e "dir='OUT'" bench/server_plots.gp
if (!exists("dir")) dir = "build/bench/server"
set terminal pngcairo size 800,480 font ",10"
set grid
set key top left

set output "docs/bench-server-throughput.png"
set title "WebSocket round trips per second, 1 outstanding per connection (2 cores shared with the client)"
set logscale x 2
set xlabel "connections"
set ylabel "asks/s"
plot dir."/conns.dat" using 1:2 with linespoints title "echo (transport ceiling)", \
     "" using 1:3 with linespoints title "qabot stream:false", \
     "" using 1:4 with linespoints title "qabot stream:true (pace 0)"

set output "docs/bench-server-latency.png"
set title "Complete-answer latency against connections (closed loop)"
set logscale y
set ylabel "ms"
set key top left
plot dir."/conns.dat" using 1:5 with linespoints title "echo p50", "" using 1:6 with linespoints title "echo p99", \
     "" using 1:7 with linespoints title "qabot p50", "" using 1:8 with linespoints title "qabot p99", \
     "" using 1:10 with linespoints title "qabot stream p99"

set output "docs/bench-server-load.png"
set title "qabot complete-answer latency against offered load (open loop, 16 connections, stream:false)"
unset logscale x
set xlabel "offered asks/s"
plot dir."/rate.dat" using 1:3 with linespoints title "p50", "" using 1:4 with linespoints title "p90", \
     "" using 1:5 with linespoints title "p99"
