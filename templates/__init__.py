"""The built-in templates: the package ``bot.templates`` (pyproject.toml maps it to this folder).

The renderer reads them with ``importlib.resources.files("bot.templates")``, wherever the
package is: this folder in a checkout or an editable install, ``bot/templates`` in a wheel and
in the Lambda function package.
"""
