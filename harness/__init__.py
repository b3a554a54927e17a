"""refpage-ci: the test side (config, build, image, QEMU, console, results)."""
