# Text every page shares.
skip-to-content = Skip to main content
footer-tagline = open source survey and benchmarking
language-switch-label = Language
# The switch names the other language in that language (see Language::own_name), with this
# hidden text for screen readers.
language-switch-to = Change the language to Welsh
error-prefix = Error:
