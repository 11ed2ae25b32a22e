# benchmarks: filled in when it lands.
