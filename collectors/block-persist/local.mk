# The block-persist collector: filled in when it lands.
