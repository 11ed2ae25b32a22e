# The gen-ms collector: filled in when it lands.
