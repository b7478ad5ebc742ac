"""The typed interface between the web process and the session hosts (app/core/host_api.py): the host's table,
the list of names and the web side's proxy name the same operations with the same parameters, so a mismatch
fails here and a misspelt operation in a route fails when it is looked up, not as a string sent to a host."""

import ast
import inspect
from pathlib import Path

import pytest

from app.core.host_api import Op, RemoteOps, SessionOps
from app.host.ops import OPS
from app.web.sessions import SessionProxy
from tests.conftest import run_in_own_loop

APP = Path(__file__).resolve().parents[2] / "app"


def protocol_methods() -> set[str]:
    return {name for name, value in vars(SessionOps).items() if inspect.iscoroutinefunction(value)}


def proxy_methods() -> set[str]:
    return {name for name in dir(SessionProxy)
            if not name.startswith("_") and inspect.iscoroutinefunction(getattr(SessionProxy, name))}


def test_the_host_the_names_and_the_interface_name_the_same_operations():
    assert set(OPS) == set(Op) == protocol_methods() == proxy_methods()
    assert all(isinstance(op, Op) for op in OPS)
    assert len(Op) == len(OPS) == 31


@pytest.mark.parametrize("op", list(Op))
def test_each_host_function_takes_the_interface_method_s_parameters(op):
    host = inspect.signature(OPS[op], eval_str=True)
    interface = inspect.signature(getattr(SessionOps, op), eval_str=True)
    described = [(p.name, p.kind, p.default, p.annotation) for p in list(host.parameters.values())[1:]]
    declared = [(p.name, p.kind, p.default, p.annotation) for p in list(interface.parameters.values())[1:]]
    assert described == declared
    assert host.return_annotation == interface.return_annotation
    assert inspect.signature(getattr(SessionProxy, op)) == inspect.signature(getattr(SessionOps, op))
    assert getattr(SessionOps, op).__doc__  # says what it returns


def test_a_proxy_sends_the_op_and_every_argument_positionally():
    sent = []

    class Recorder(RemoteOps):
        async def _send(self, op, args):
            sent.append((op, args))
            return "answer"

    async def calls():
        ops = Recorder()
        return [await ops.weights(), await ops.train(5), await ops.train(epochs=5, until={"epoch": 3}),
                await ops.set_weight(1, 0, None, 0.5)]

    assert run_in_own_loop(calls()) == ["answer"] * 4
    assert sent == [(Op.weights, ()), (Op.train, (5, None)), (Op.train, (5, {"epoch": 3})),
                    (Op.set_weight, (1, 0, None, 0.5))]
    with pytest.raises(TypeError):
        run_in_own_loop(Recorder().set_weight(1, 0))  # arguments that do not fit fail here, not in the host
    with pytest.raises(AttributeError):
        Recorder().wieghts  # noqa: B018 - a misspelt operation


def test_the_op_crosses_the_pipe_as_its_name():
    assert str(Op.stream_step) == "stream_step" and OPS["stream_step"] is OPS[Op.stream_step]


def test_the_web_side_names_no_operation_by_a_string():
    """No ``.call(...)`` in app/web/ passes a string literal: operations are named by SessionOps' methods."""
    offending = []
    for path in sorted((APP / "web").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "call" \
                    and any(isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in node.args):
                offending.append(f"{path.relative_to(APP.parent)}:{node.lineno}")
    assert offending == []
