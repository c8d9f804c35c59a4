"""sagemaker-chatops: a Slack ChatOps bot for Amazon SageMaker."""

__version__ = "0.1.0"
