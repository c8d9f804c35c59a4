"""What ``/sagemaker`` and the buttons do, without Slack's plumbing: the service
(``chatops``), who may do what (``authz``) and the record of what was done (``audit``)."""
