set terminal pngcairo size 1400,900 font 'DejaVu Sans,10'
set grid ytics
set key outside right top
set output 'docs/bench/latency.png'
set multiplot layout 2,2 title 'Ping-pong round trip (ns, log scale) - Intel(R) Xeon(R) Processor, 2 CPUs, kernel 6.18.44-fc-v669'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set ylabel 'round trip, ns'
set xtics rotate by -30
set title '8-byte messages'
plot 'docs/bench/latency_8.dat' using 2:xtic(1) title col, '' using 3 title col, '' using 4 title col, '' using 5 title col
set title '64-byte messages'
plot 'docs/bench/latency_64.dat' using 2:xtic(1) title col, '' using 3 title col, '' using 4 title col, '' using 5 title col
set title '1024-byte messages'
plot 'docs/bench/latency_1024.dat' using 2:xtic(1) title col, '' using 3 title col, '' using 4 title col, '' using 5 title col
set title '4096-byte messages'
plot 'docs/bench/latency_4096.dat' using 2:xtic(1) title col, '' using 3 title col, '' using 4 title col, '' using 5 title col
unset multiplot
unset logscale y
unset style data
unset xtics
set xtics
set style data linespoints
set output 'docs/bench/throughput.png'
set multiplot layout 1,2 title 'Throughput by message size, 1 reader, lossless - Intel(R) Xeon(R) Processor, 2 CPUs, kernel 6.18.44-fc-v669'
set logscale xy
set xlabel 'message size, bytes'
set format y '%.0s%c'
set title 'messages/s sustained by the reader'
set ylabel 'messages/s'
plot 'docs/bench/throughput_ringlib.dat' using 1:2 with linespoints lw 2 title 'ringlib', 'docs/bench/throughput_pipe.dat' using 1:2 with linespoints lw 2 title 'pipe', 'docs/bench/throughput_unix-seqpacket.dat' using 1:2 with linespoints lw 2 title 'unix-seqpacket', 'docs/bench/throughput_posix-mq.dat' using 1:2 with linespoints lw 2 title 'posix-mq', 'docs/bench/throughput_boost-mq.dat' using 1:2 with linespoints lw 2 title 'boost-mq', 'docs/bench/throughput_iceoryx.dat' using 1:2 with linespoints lw 2 title 'iceoryx', 'docs/bench/throughput_ringlib_per_cpu_second.dat' using 1:2 with linespoints dt 3 lw 2 lc rgb 'dark-violet' title 'ringlib, per reader CPU-second'
set title 'payload bytes/s (memcpy: single-thread limit)'
set ylabel 'bytes/s'
plot 'docs/bench/throughput_ringlib.dat' using 1:3 with linespoints lw 2 title 'ringlib', 'docs/bench/throughput_pipe.dat' using 1:3 with linespoints lw 2 title 'pipe', 'docs/bench/throughput_unix-seqpacket.dat' using 1:3 with linespoints lw 2 title 'unix-seqpacket', 'docs/bench/throughput_posix-mq.dat' using 1:3 with linespoints lw 2 title 'posix-mq', 'docs/bench/throughput_boost-mq.dat' using 1:3 with linespoints lw 2 title 'boost-mq', 'docs/bench/throughput_iceoryx.dat' using 1:3 with linespoints lw 2 title 'iceoryx', 'docs/bench/throughput_ringlib_per_cpu_second.dat' using 1:3 with linespoints dt 3 lw 2 lc rgb 'dark-violet' title 'ringlib, per reader CPU-second', 'docs/bench/memcpy.dat' using 1:2 with lines dt 2 lw 2 lc rgb 'black' title 'memcpy', 'docs/bench/cross_core.dat' using 1:2 with lines dt 4 lw 2 lc rgb 'gray40' title 'cross-core bound'
unset multiplot
set output 'docs/bench/readers.png'
set multiplot layout 2,3 title 'messages/s of the slowest reader, by reader count - Intel(R) Xeon(R) Processor, 2 CPUs, kernel 6.18.44-fc-v669'
set ylabel 'messages/s'
set key inside top right
set title 'ringlib'
plot 'docs/bench/readers_ringlib_1.dat' using 1:2 with linespoints lw 2 title '1 reader', 'docs/bench/readers_ringlib_2.dat' using 1:2 with linespoints lw 2 title '2 readers', 'docs/bench/readers_ringlib_4.dat' using 1:2 with linespoints lw 2 title '4 readers'
set title 'pipe'
plot 'docs/bench/readers_pipe_1.dat' using 1:2 with linespoints lw 2 title '1 reader', 'docs/bench/readers_pipe_2.dat' using 1:2 with linespoints lw 2 title '2 readers', 'docs/bench/readers_pipe_4.dat' using 1:2 with linespoints lw 2 title '4 readers'
set title 'unix-seqpacket'
plot 'docs/bench/readers_unix-seqpacket_1.dat' using 1:2 with linespoints lw 2 title '1 reader', 'docs/bench/readers_unix-seqpacket_2.dat' using 1:2 with linespoints lw 2 title '2 readers', 'docs/bench/readers_unix-seqpacket_4.dat' using 1:2 with linespoints lw 2 title '4 readers'
set title 'posix-mq'
plot 'docs/bench/readers_posix-mq_1.dat' using 1:2 with linespoints lw 2 title '1 reader', 'docs/bench/readers_posix-mq_2.dat' using 1:2 with linespoints lw 2 title '2 readers', 'docs/bench/readers_posix-mq_4.dat' using 1:2 with linespoints lw 2 title '4 readers'
set title 'boost-mq'
plot 'docs/bench/readers_boost-mq_1.dat' using 1:2 with linespoints lw 2 title '1 reader', 'docs/bench/readers_boost-mq_2.dat' using 1:2 with linespoints lw 2 title '2 readers', 'docs/bench/readers_boost-mq_4.dat' using 1:2 with linespoints lw 2 title '4 readers'
set title 'iceoryx'
plot 'docs/bench/readers_iceoryx_1.dat' using 1:2 with linespoints lw 2 title '1 reader', 'docs/bench/readers_iceoryx_2.dat' using 1:2 with linespoints lw 2 title '2 readers', 'docs/bench/readers_iceoryx_4.dat' using 1:2 with linespoints lw 2 title '4 readers'
unset multiplot
