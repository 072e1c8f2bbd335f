set terminal pngcairo size 1400,900 font 'DejaVu Sans,10'
set grid ytics
set key outside right top
set output '/tmp/run41/latency.png'
set multiplot layout 2,2 title 'Ping-pong round trip (ns, log scale) - AMD EPYC, 2 CPUs, kernel 6.18.44-fc-v657'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set ylabel 'round trip, ns'
set xtics rotate by -30
set title '8-byte messages'
plot '/tmp/run41/latency_8.dat' using 2:xtic(1) title col, '' using 3 title col, '' using 4 title col, '' using 5 title col
set title '64-byte messages'
plot '/tmp/run41/latency_64.dat' using 2:xtic(1) title col, '' using 3 title col, '' using 4 title col, '' using 5 title col
set title '1024-byte messages'
plot '/tmp/run41/latency_1024.dat' using 2:xtic(1) title col, '' using 3 title col, '' using 4 title col, '' using 5 title col
set title '4096-byte messages'
plot '/tmp/run41/latency_4096.dat' using 2:xtic(1) title col, '' using 3 title col, '' using 4 title col, '' using 5 title col
unset multiplot
unset logscale y
unset style data
unset xtics
set xtics
set style data linespoints
set output '/tmp/run41/throughput.png'
set multiplot layout 1,2 title 'Throughput by message size, 1 reader, lossless - AMD EPYC, 2 CPUs, kernel 6.18.44-fc-v657'
set logscale xy
set xlabel 'message size, bytes'
set format y '%.0s%c'
set title 'messages/s sustained by the reader'
set ylabel 'messages/s'
plot '/tmp/run41/throughput_ringlib.dat' using 1:2 with linespoints lw 2 title 'ringlib', '/tmp/run41/throughput_pipe.dat' using 1:2 with linespoints lw 2 title 'pipe', '/tmp/run41/throughput_unix-seqpacket.dat' using 1:2 with linespoints lw 2 title 'unix-seqpacket', '/tmp/run41/throughput_posix-mq.dat' using 1:2 with linespoints lw 2 title 'posix-mq', '/tmp/run41/throughput_boost-mq.dat' using 1:2 with linespoints lw 2 title 'boost-mq', '/tmp/run41/throughput_iceoryx.dat' using 1:2 with linespoints lw 2 title 'iceoryx', '/tmp/run41/throughput_ringlib_per_cpu_second.dat' using 1:2 with linespoints dt 3 lw 2 lc rgb 'dark-violet' title 'ringlib, per reader CPU-second'
set title 'payload bytes/s (memcpy: single-thread limit)'
set ylabel 'bytes/s'
plot '/tmp/run41/throughput_ringlib.dat' using 1:3 with linespoints lw 2 title 'ringlib', '/tmp/run41/throughput_pipe.dat' using 1:3 with linespoints lw 2 title 'pipe', '/tmp/run41/throughput_unix-seqpacket.dat' using 1:3 with linespoints lw 2 title 'unix-seqpacket', '/tmp/run41/throughput_posix-mq.dat' using 1:3 with linespoints lw 2 title 'posix-mq', '/tmp/run41/throughput_boost-mq.dat' using 1:3 with linespoints lw 2 title 'boost-mq', '/tmp/run41/throughput_iceoryx.dat' using 1:3 with linespoints lw 2 title 'iceoryx', '/tmp/run41/throughput_ringlib_per_cpu_second.dat' using 1:3 with linespoints dt 3 lw 2 lc rgb 'dark-violet' title 'ringlib, per reader CPU-second', '/tmp/run41/memcpy.dat' using 1:2 with lines dt 2 lw 2 lc rgb 'black' title 'memcpy', '/tmp/run41/cross_core.dat' using 1:2 with lines dt 4 lw 2 lc rgb 'gray40' title 'cross-core bound'
unset multiplot
set output '/tmp/run41/readers.png'
set multiplot layout 2,3 title 'messages/s of the slowest reader, by reader count - AMD EPYC, 2 CPUs, kernel 6.18.44-fc-v657'
set ylabel 'messages/s'
set key inside top right
set title 'ringlib'
plot '/tmp/run41/readers_ringlib_1.dat' using 1:2 with linespoints lw 2 title '1 reader', '/tmp/run41/readers_ringlib_2.dat' using 1:2 with linespoints lw 2 title '2 readers', '/tmp/run41/readers_ringlib_4.dat' using 1:2 with linespoints lw 2 title '4 readers'
set title 'pipe'
plot '/tmp/run41/readers_pipe_1.dat' using 1:2 with linespoints lw 2 title '1 reader', '/tmp/run41/readers_pipe_2.dat' using 1:2 with linespoints lw 2 title '2 readers', '/tmp/run41/readers_pipe_4.dat' using 1:2 with linespoints lw 2 title '4 readers'
set title 'unix-seqpacket'
plot '/tmp/run41/readers_unix-seqpacket_1.dat' using 1:2 with linespoints lw 2 title '1 reader', '/tmp/run41/readers_unix-seqpacket_2.dat' using 1:2 with linespoints lw 2 title '2 readers', '/tmp/run41/readers_unix-seqpacket_4.dat' using 1:2 with linespoints lw 2 title '4 readers'
set title 'posix-mq'
plot '/tmp/run41/readers_posix-mq_1.dat' using 1:2 with linespoints lw 2 title '1 reader', '/tmp/run41/readers_posix-mq_2.dat' using 1:2 with linespoints lw 2 title '2 readers', '/tmp/run41/readers_posix-mq_4.dat' using 1:2 with linespoints lw 2 title '4 readers'
set title 'boost-mq'
plot '/tmp/run41/readers_boost-mq_1.dat' using 1:2 with linespoints lw 2 title '1 reader', '/tmp/run41/readers_boost-mq_2.dat' using 1:2 with linespoints lw 2 title '2 readers', '/tmp/run41/readers_boost-mq_4.dat' using 1:2 with linespoints lw 2 title '4 readers'
set title 'iceoryx'
plot '/tmp/run41/readers_iceoryx_1.dat' using 1:2 with linespoints lw 2 title '1 reader', '/tmp/run41/readers_iceoryx_2.dat' using 1:2 with linespoints lw 2 title '2 readers', '/tmp/run41/readers_iceoryx_4.dat' using 1:2 with linespoints lw 2 title '4 readers'
unset multiplot
