"""Resource variables: VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE and CALL_ONCE (TFLite Micro's var_handle.cc,
read_variable.cc, assign_variable.cc, call_once.cc).

Each variable (keyed by container and shared name, `edgeq.ir.resources`) owns persistent arena bytes that the
planner never shares and that survive `invoke`; they start at zero and edgeq_model_reset() zeroes them again,
as TFLM's MicroResourceVariables::ResetAll. VAR_HANDLE has no code (its handle is the variable's address);
READ_VARIABLE copies the variable into its output, ASSIGN_VARIABLE copies a tensor into the variable.
CALL_ONCE runs its init subgraph on the model's first inference only, as TFLM's (a reset does not rerun it);
the init subgraphs TensorFlow writes assign constants to variables, which is what edgeq runs: VAR_HANDLE and
ASSIGN_VARIABLE of constant tensors. Any other init operator is refused.
"""
from __future__ import annotations

from edgeq.codegen.ops import KernelCall, OpContext, c_type, register
from edgeq.ir.resources import resource_variables, variable_key


def _storage(ctx: OpContext, handle: int) -> str:
    offset = 0 if ctx.plan is None else ctx.plan.offset_of(handle)
    return f"(edgeq_arena + {offset})"


def _copy_bytes(ctx: OpContext, value: int) -> int:
    tensor = ctx.graph.tensors[value]
    variable = next(v for v in resource_variables(ctx.graph) if ctx.op.inputs[0] in v.handles)
    if tensor.nbytes != variable.nbytes:
        raise ctx.fail(f"{tensor.nbytes} bytes for variable '{variable.key}' of {variable.nbytes} bytes")
    return tensor.nbytes


@register("VAR_HANDLE", "resource")
def emit_var_handle(ctx: OpContext) -> KernelCall:
    return KernelCall(statements=(f"/* resource variable '{variable_key(ctx.op.options)}': no code */",))


@register("READ_VARIABLE", "resource")
def emit_read_variable(ctx: OpContext) -> KernelCall:
    n = _copy_bytes(ctx, ctx.op.outputs[0])
    return KernelCall(statements=(f"memcpy({ctx.output_ptr()}, {_storage(ctx, ctx.op.inputs[0])}, {n}u);",))


@register("ASSIGN_VARIABLE", "resource")
def emit_assign_variable(ctx: OpContext) -> KernelCall:
    value = ctx.op.inputs[1]
    n = _copy_bytes(ctx, value)
    arrays = (ctx.weights(1),) if ctx.input(1).is_constant else ()
    return KernelCall(statements=(f"memcpy({_storage(ctx, ctx.op.inputs[0])}, {ctx.input_ptr(1)}, {n}u);",),
                      arrays=arrays)


@register("CALL_ONCE", "none")
def emit_call_once(ctx: OpContext) -> KernelCall:
    index = int(ctx.option("init_subgraph_index", -1))
    init = ctx.graph.subgraphs.get(index)
    if init is None:
        raise ctx.fail(f"init subgraph {index} does not exist")
    main = {v.key: v for v in resource_variables(ctx.graph)}
    handles = {op.outputs[0]: variable_key(op.options) for op in init.ops if op.opcode == "VAR_HANDLE"}
    statements = ["static uint8_t has_run = 0u; /* TFLM's CALL_ONCE: the first inference only, not after a reset */",
                  "if (has_run) {", "    return;", "}", "has_run = 1u;"]
    arrays = []
    for op in init.ops:
        if op.opcode == "VAR_HANDLE":
            continue
        value = init.tensors[op.inputs[1]] if op.opcode == "ASSIGN_VARIABLE" and len(op.inputs) == 2 else None
        if value is None or not value.is_constant:
            raise ctx.fail(f"init subgraph {index} runs {op.opcode}; edgeq runs init subgraphs that assign "
                           "constants to variables (VAR_HANDLE, ASSIGN_VARIABLE)")
        variable = main.get(handles.get(op.inputs[0], "?"))
        if variable is None:  # a variable the model never uses afterwards
            continue
        if value.nbytes != variable.nbytes:
            raise ctx.fail(f"init value of {value.nbytes} bytes for variable '{variable.key}' of {variable.nbytes}")
        array = ctx.const_array(f"init{op.index}", c_type(value.dtype), value.data)
        arrays.append(array)
        statements.append(f"memcpy({_storage(ctx, variable.handles[0])}, {array.name}, {value.nbytes}u);")
    return KernelCall(statements=tuple(statements), arrays=tuple(arrays))
