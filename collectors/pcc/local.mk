# The pcc collector: filled in when it lands.
