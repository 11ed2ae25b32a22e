# embedder-examples/js: filled in when it lands.
