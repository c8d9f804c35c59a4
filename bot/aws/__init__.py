"""AWS access for commands: lookups (``lookup``), inspections (``inspection``) and actions
(``actions``) on clients passed in, one SageMaker facade per account and region
(``sagemaker``, ``accounts``), CloudWatch log tails (``logs``), and the errors they raise
(``errors``). Returns data; rendering is the render layer's.

Import from the modules themselves: importing this package imports nothing (no botocore).
"""
