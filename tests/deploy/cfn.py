"""A CloudFormation template as a stack would have it, for given parameter values.

Parameters are validated (``AllowedValues``, ``AllowedPattern``) and take their defaults, the
conditions are evaluated, resources and outputs whose condition is false are left out, and the
intrinsic functions that depend only on parameters, conditions and pseudo parameters are
resolved (``Ref``, ``Fn::If``, ``Fn::Sub``, ``Fn::Join``, ``Fn::Select``, ``Fn::Split``, the
condition functions). What only exists once deployed stays as written: ``{"Ref": resource}``,
``{"Fn::GetAtt": …}``, ``${Resource.Attr}`` inside a ``Fn::Sub``.
"""

from __future__ import annotations

import re
from typing import Any

PSEUDO = {
    "AWS::AccountId": "123456789012",
    "AWS::Region": "us-east-1",
    "AWS::Partition": "aws",
    "AWS::StackName": "sagemaker-chatops-ci",
    "AWS::URLSuffix": "amazonaws.com",
}
_NO_VALUE = object()
_SUB = re.compile(r"\$\{([^!}][^}]*)\}")


class ParameterError(ValueError):
    """A parameter value CloudFormation would refuse."""


class Stack:
    def __init__(self, template: dict[str, Any], parameters: dict[str, str] | None = None):
        self.template = template
        given = dict(parameters or {})
        declared: dict[str, Any] = template.get("Parameters", {})
        unknown = set(given) - set(declared)
        if unknown:
            raise ParameterError(f"no such parameters: {sorted(unknown)}")
        self.parameters = {
            name: _parameter(name, spec, given.get(name)) for name, spec in declared.items()
        }
        self._conditions: dict[str, bool] = {}

    # --- conditions ----------------------------------------------------------------------

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            self._conditions[name] = bool(self.resolve(self.template["Conditions"][name]))
        return self._conditions[name]

    def _holds(self, item: dict[str, Any]) -> bool:
        name = item.get("Condition")
        return name is None or self.condition(name)

    # --- the stack -----------------------------------------------------------------------

    def resources(self) -> dict[str, Any]:
        return {
            name: self.resolve(resource)
            for name, resource in self.template["Resources"].items()
            if self._holds(resource)
        }

    def outputs(self) -> dict[str, Any]:
        return {
            name: self.resolve(output)
            for name, output in self.template.get("Outputs", {}).items()
            if self._holds(output)
        }

    def resource(self, name: str) -> dict[str, Any]:
        found: dict[str, Any] = self.resources()[name]
        return found

    # --- intrinsic functions --------------------------------------------------------------

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            items = [self.resolve(v) for v in value]
            return [v for v in items if v is not _NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            [(key, argument)] = value.items()
            handler = getattr(self, "_" + key.replace("Fn::", "fn_").replace("::", "_"), None)
            if handler is not None:
                return handler(argument)
        resolved = {k: self.resolve(v) for k, v in value.items()}
        return {k: v for k, v in resolved.items() if v is not _NO_VALUE}

    def _Ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return _NO_VALUE
        if name in self.parameters:
            return self.parameters[name]
        if name in PSEUDO:
            return PSEUDO[name]
        assert name in self.template["Resources"], f"Ref to nothing: {name}"
        return {"Ref": name}

    def _Condition(self, name: str) -> bool:
        return self.condition(name)

    def _fn_If(self, argument: list[Any]) -> Any:
        name, when_true, when_false = argument
        return self.resolve(when_true if self.condition(name) else when_false)

    def _fn_Equals(self, argument: list[Any]) -> bool:
        left, right = (self.resolve(a) for a in argument)
        return bool(left == right)

    def _fn_Not(self, argument: list[Any]) -> bool:
        [inner] = argument
        return not self.resolve(inner)

    def _fn_And(self, argument: list[Any]) -> bool:
        return all(self.resolve(a) for a in argument)

    def _fn_Or(self, argument: list[Any]) -> bool:
        return any(self.resolve(a) for a in argument)

    def _fn_Join(self, argument: list[Any]) -> Any:
        delimiter, items = argument
        resolved = self.resolve(items)
        if isinstance(resolved, list) and all(isinstance(i, str) for i in resolved):
            return delimiter.join(resolved)
        return {"Fn::Join": [delimiter, resolved]}

    def _fn_Select(self, argument: list[Any]) -> Any:
        index, items = argument
        return self.resolve(items)[int(index)]

    def _fn_Split(self, argument: list[Any]) -> Any:
        delimiter, text = argument
        resolved = self.resolve(text)
        return resolved.split(delimiter) if isinstance(resolved, str) else {"Fn::Split": argument}

    def _fn_Sub(self, argument: Any) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else argument
        values = {k: self.resolve(v) for k, v in variables.items()}

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in values:
                return str(values[name])
            if name in self.parameters:
                value = self.parameters[name]
                assert isinstance(value, str), f"${{{name}}} is a list in a Fn::Sub"
                return value
            if name in PSEUDO:
                return PSEUDO[name]
            assert name.split(".")[0] in self.template["Resources"], f"${{{name}}} is nothing"
            return match.group(0)  # a resource's: known once deployed

        return _SUB.sub(substitute, text)


def _parameter(name: str, spec: dict[str, Any], given: str | None) -> str | list[str]:
    if given is None:
        assert "Default" in spec, f"parameter {name} has no default and no value"
        given = spec["Default"]
    assert isinstance(given, str), f"parameter {name}: {given!r} is not text"
    kind = spec["Type"]
    assert kind in ("String", "CommaDelimitedList"), f"{name}: type {kind} not supported here"
    # CloudFormation: a CommaDelimitedList of "" is [""].
    values = [v.strip() for v in given.split(",")] if kind == "CommaDelimitedList" else [given]
    allowed = spec.get("AllowedValues")
    pattern = spec.get("AllowedPattern")
    for value in values:
        if allowed is not None and value not in [str(a) for a in allowed]:
            raise ParameterError(f"{name}: {value!r} is not one of {allowed}")
        if pattern is not None and not re.fullmatch(pattern, value):
            raise ParameterError(f"{name}: {value!r} does not match {pattern}")
    return values if kind == "CommaDelimitedList" else given
