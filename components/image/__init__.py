"""The app image: the ``AppImage`` component (ECR repositories, the build, its lifecycle) and its rules
(build tags, lifecycle policies). Importing this package loads no cloud SDK."""
