# The autograd tape (included by ndarray.pyx).
#
# An array that takes part in differentiation carries an AGInfo in its `_ag`
# slot: leaves marked with attach_grad()/requires_grad, and outputs of
# recorded ops.  Every launch checks its inputs' `_ag` slots (a pointer
# compare each); only when one is set, and recording is on for it, does it
# append a Node.  backward() sorts the nodes reachable from the heads, walks
# them in reverse and calls each op's gradient rule, itself written with
# ops, so that create_graph=True records the backward pass too.

cdef extern from "core_support.h":
    int gx_ag_recording
    int gx_ag_training
    int gx_ag_grad_enabled
    int gx_ag_suppress


cdef class AGInfo:
    """Autograd state of one array."""
    cdef public object grad        # gradient buffer of a leaf (NDArray) or None
    cdef public str grad_req       # 'write', 'add' or 'null'
    cdef public bint leaf          # marked variable
    cdef public bint torch         # recorded outside record() (requires_grad style)
    cdef public Node node          # producer (None for leaves)
    cdef public int index          # which output of `node`
    cdef public bint fresh         # grad written by a backward since the flag was cleared
    cdef object acc                # gradient accumulated during a backward pass
    cdef public object tracer      # a graph tracer following this array (see record), or None

    def __repr__(self):
        return "<AGInfo leaf=%s req=%s node=%s>" % (self.leaf, self.grad_req, self.node)


cdef class Node:
    """One recorded operation: what its gradient rule needs."""
    cdef public str op
    cdef public object rule        # rule(node, *out_grads) -> tuple of input grads
    cdef public tuple inputs       # the input arrays (None after the graph is freed)
    cdef public tuple outputs      # detached views of the outputs
    cdef public tuple parents      # AGInfo (or None) per input
    cdef public tuple out_infos    # AGInfo per output
    cdef public object attrs       # the op's attributes (dict), or None
    cdef public bint freed

    def __repr__(self):
        return "<Node %s>" % self.op

    def free(self):
        self.inputs = None
        self.outputs = None
        self.freed = True


cdef object _rule_lookup = None     # set by gluonx.autograd: name -> rule | NONDIFF | None
cdef dict _rule_cache = {}
NONDIFF = object()


def set_rule_lookup(fn):
    """gluonx.autograd installs how an op name maps to its gradient rule."""
    global _rule_lookup
    _rule_lookup = fn
    _rule_cache.clear()


cdef inline bint any_ag(tuple xs):
    for x in xs:
        if isinstance(x, NDArray) and (<NDArray>x)._ag is not None:
            return True
    return False


cdef bint wants_record(tuple inputs):
    """Would an op on these inputs be recorded now (by the tape or a tracer)?"""
    cdef AGInfo info
    if gx_ag_suppress:
        return False
    for x in inputs:
        if isinstance(x, NDArray) and (<NDArray>x)._ag is not None:
            info = <AGInfo>(<NDArray>x)._ag
            if info.tracer is not None or (gx_ag_grad_enabled and (gx_ag_recording or info.torch)):
                return True
    return False


cdef NDArray detached(NDArray x):
    return new_view(x, x._ndim, x._shape, x._strides, x._data)


cdef int record(str opname, tuple inputs, tuple outputs, object attrs, object rule=None) except -1:
    """The bind point: every op call whose inputs carry autograd state comes
    here (op name, inputs, outputs, parsed attributes; the callers test
    `x._ag is not None` first, so untouched arrays cost one pointer compare).
    Two consumers: the autograd tape (a Node when recording and some input
    needs a gradient; `rule` overrides the rule looked up by name) and a
    graph tracer following one of the inputs (gluonx.symbol.trace)."""
    if gx_ag_suppress:
        return 0
    tape_record(opname, inputs, outputs, attrs, rule)
    tracer = traced_by(inputs)
    if tracer is not None:
        for y in outputs:
            mark_traced(<NDArray>y, tracer)
        tracer.add(opname, inputs, outputs, attrs)
    return 0


cdef object traced_by(tuple inputs):
    for x in inputs:
        if isinstance(x, NDArray) and (<NDArray>x)._ag is not None:
            t = (<AGInfo>(<NDArray>x)._ag).tracer
            if t is not None:
                return t
    return None


cdef int mark_traced(NDArray x, object tracer) except -1:
    """Makes `tracer` follow x (a bare info for autograd: a leaf without gradient)."""
    cdef AGInfo info = <AGInfo>x._ag if x._ag is not None else None
    if info is None:
        info = mark_leaf(x, None, "null", False)
    info.tracer = tracer
    return 0


def trace_array(NDArray x, tracer):
    """Starts tracing x: ops on it (and on what is computed from it) are
    reported to ``tracer.add(opname, inputs, outputs, attrs)``; None stops."""
    if tracer is None:
        if x._ag is not None:
            (<AGInfo>x._ag).tracer = None
        return
    mark_traced(x, tracer)


cdef int tape_record(str opname, tuple inputs, tuple outputs, object attrs, object rule) except -1:
    """Appends a tape node for an op whose inputs carry autograd state."""
    cdef AGInfo info, oinfo
    cdef bint torch = False, any_parent = False
    cdef Node node
    cdef NDArray o
    if not gx_ag_grad_enabled:
        return 0
    parents = []
    for x in inputs:
        if isinstance(x, NDArray) and (<NDArray>x)._ag is not None:
            info = <AGInfo>(<NDArray>x)._ag
            torch = torch or info.torch
            if info.leaf and info.grad_req == "null" and not info.torch:
                parents.append(None)
            else:
                parents.append(info)
                any_parent = True
        else:
            parents.append(None)
    if not (gx_ag_recording or torch) or not any_parent:
        return 0
    if rule is None:
        rule = _rule_cache.get(opname, None)
        if rule is None:
            rule = _rule_lookup(opname) if _rule_lookup is not None else None
            _rule_cache[opname] = rule
    if rule is NONDIFF:
        return 0
    node = Node.__new__(Node)
    node.op = opname
    node.rule = rule
    node.inputs = inputs
    node.parents = tuple(parents)
    node.attrs = attrs
    if len(outputs) == 1:      # the common case, without the lists
        o = <NDArray>outputs[0]
        oinfo = new_output_info(node, 0, torch)
        o._ag = oinfo
        node.outputs = (detached(o),)
        node.out_infos = (oinfo,)
        return 0
    outs = []
    infos = []
    for i, y in enumerate(outputs):
        o = <NDArray>y
        oinfo = new_output_info(node, i, torch)
        o._ag = oinfo
        outs.append(detached(o))
        infos.append(oinfo)
    node.outputs = tuple(outs)
    node.out_infos = tuple(infos)
    return 0


cdef inline AGInfo new_output_info(Node node, int index, bint torch):
    cdef AGInfo oinfo = AGInfo.__new__(AGInfo)
    oinfo.node = node
    oinfo.index = index
    oinfo.torch = torch
    oinfo.grad_req = "write"
    return oinfo


cdef int check_inplace(NDArray target, str what) except -1:
    """In-place writes to an array the tape depends on would corrupt gradients."""
    cdef AGInfo info
    if target._ag is None or not gx_ag_grad_enabled:
        return 0
    info = <AGInfo>target._ag
    if gx_ag_recording or info.torch:
        if info.node is not None or gx_ag_recording:
            raise MXNetError(
                "%s: Inplace operations (+=, -=, x[:]=, etc) are not supported when recording with "
                "autograd: in-place write to an array that autograd is recording (shape %s); inside "
                "autograd.record() write the result to a new array instead (y = x + 1, not x += 1)"
                % (what, target.shape))
    return 0


cdef int check_inplace_value(NDArray target, object value, str what) except -1:
    """x[key] = v while recording, with v part of the graph: the write would lose v's
    gradient silently, so it is an error (MXNet raises here too)."""
    if (isinstance(value, NDArray) and (<NDArray>value)._ag is not None and gx_ag_recording
            and gx_ag_grad_enabled):
        raise MXNetError(
            "%s: Inplace operations (+=, -=, x[:]=, etc) are not supported when recording with autograd: "
            "the value (shape %s) is recorded and an in-place write would drop its gradient; build the "
            "result with operators instead (e.g. concat, where)" % (what, value.shape))
    return 0


def record_op(str opname, tuple inputs, tuple outputs, attrs=None, rule=None):
    """Records a composite op (several launches) as one node; the op ran
    with recording suppressed (see suppress_recording).  `rule` overrides
    the rule looked up by name (autograd.Function uses it)."""
    for y in outputs:
        check_inplace(<NDArray?>y, opname)
    if any_ag(inputs):
        record(opname, inputs, outputs, attrs, rule)


def needs_record(tuple inputs) -> bool:
    return wants_record(inputs)


class suppress_recording:
    """Within, launches do not record (a composite op records itself once)."""
    __slots__ = ()

    def __enter__(self):
        global gx_ag_suppress
        gx_ag_suppress += 1

    def __exit__(self, *exc):
        global gx_ag_suppress
        gx_ag_suppress -= 1


# ---- thread state ------------------------------------------------------------

def get_state() -> tuple:
    return (gx_ag_recording, gx_ag_training, gx_ag_grad_enabled)


def set_state(int recording, int training, int grad_enabled):
    global gx_ag_recording, gx_ag_training, gx_ag_grad_enabled
    gx_ag_recording = recording
    gx_ag_training = training
    gx_ag_grad_enabled = grad_enabled


def is_recording() -> bool:
    return bool(gx_ag_recording) and bool(gx_ag_grad_enabled)


def is_training() -> bool:
    return bool(gx_ag_training)


# ---- marking variables ---------------------------------------------------------

cdef AGInfo mark_leaf(NDArray x, object grad, str grad_req, bint torch):
    cdef AGInfo info = AGInfo.__new__(AGInfo)
    info.leaf = True
    info.grad = grad
    info.grad_req = grad_req
    info.torch = torch
    x._ag = info
    return info


def mark_variable(NDArray x, grad, str grad_req="write", bint torch=False):
    if grad_req not in ("write", "add", "null"):
        raise MXNetValueError("grad_req must be 'write', 'add' or 'null', got %r" % grad_req)
    if grad is not None and (<NDArray?>grad).shape != x.shape:
        raise MXNetValueError("mark_variables: gradient buffer of shape %s for a variable of shape %s"
                              % (grad.shape, x.shape))
    mark_leaf(x, grad, grad_req, torch)


def clear_variable(NDArray x):
    x._ag = None


# ---- backward --------------------------------------------------------------------

cdef list topo_order(list head_infos):
    """Nodes reachable from the heads, each after every node it consumes
    (the backward pass walks the list in reverse).  Iterative depth-first
    search: a node is expanded once, when first popped, and appended after
    all of its inputs' nodes, so a node reached along several paths (a
    residual connection) still comes after all of them."""
    cdef list order = []
    cdef set expanded = set()
    cdef list stack = []
    cdef Node node, parent_node
    cdef AGInfo info
    for info in head_infos:
        if info.node is not None:
            stack.append((info.node, False))
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if id(node) in expanded:
            continue
        expanded.add(id(node))
        stack.append((node, True))
        for p in node.parents:
            if p is None:
                continue
            parent_node = (<AGInfo>p).node
            if parent_node is not None and id(parent_node) not in expanded:
                stack.append((parent_node, False))
    return order


cdef int check_grad_shape(NDArray g, object target, str what, int index=-1) except -1:
    """A gradient must have its array's shape (index >= 0: input `index` of op `what`)."""
    if isinstance(target, NDArray) and same_shape(g, <NDArray>target):
        return 0
    cdef tuple shape = target.shape if isinstance(target, NDArray) else ()
    if g.shape != shape:
        if index >= 0:
            what = "backward of %s (input %d)" % (what, index)
        raise MXNetValueError("%s: gradient of shape %s for an array of shape %s" % (what, g.shape, shape))
    return 0


cdef bint g_retain_graph = False    # of the backward pass running now
cdef bint g_writes_leaves = False   # the running backward ends by writing the leaves' .grad


def free_grad_buffer(NDArray x):
    """The .grad buffer of leaf x when the running backward pass will write
    x's gradient there and nothing was accumulated for x yet, else None: a
    rule may then compute x's gradient straight into it."""
    cdef AGInfo info
    if not g_writes_leaves or x._ag is None:
        return None
    info = <AGInfo>x._ag
    if info.leaf and info.grad_req == "write" and info.grad is not None and info.acc is None:
        return info.grad
    return None


def backward_retains_graph() -> bool:
    """Whether the running backward pass keeps its graph for another one
    (a compiled graph's rule then leaves its saved buffers intact)."""
    return g_retain_graph


def grad_mask(list arrays) -> tuple:
    """Per array: would the tape take it as a parent now (it needs a gradient)?"""
    cdef AGInfo info
    out = []
    for x in arrays:
        need = False
        if isinstance(x, NDArray) and (<NDArray>x)._ag is not None and gx_ag_grad_enabled and not gx_ag_suppress:
            info = <AGInfo>(<NDArray>x)._ag
            if (gx_ag_recording or info.torch) and not (info.leaf and info.grad_req == "null" and not info.torch):
                need = True
        out.append(need)
    return tuple(out)


def run_backward(list heads, list head_grads, bint retain_graph, bint create_graph,
                 list variables=None):
    """The backward pass.  With `variables` (autograd.grad) returns their
    gradients instead of writing the leaves' .grad buffers."""
    global g_retain_graph, g_writes_leaves
    outer = (g_retain_graph, g_writes_leaves)
    g_retain_graph = retain_graph
    g_writes_leaves = variables is None
    try:
        return _run_backward(heads, head_grads, retain_graph, create_graph, variables)
    finally:
        g_retain_graph, g_writes_leaves = outer


def _run_backward(list heads, list head_grads, bint retain_graph, bint create_graph,
                  list variables=None):
    cdef AGInfo info, p, oi
    cdef Node node
    cdef NDArray h, g
    cdef list touched = []        # every AGInfo whose acc was set (cleared at the end)
    head_infos = []
    for i, h in enumerate(heads):
        if h._ag is None:
            raise MXNetError(
                "backward: the array of shape %s was not computed while recording, so it has no "
                "graph; compute it inside `with autograd.record():` from arrays that had "
                "attach_grad() called" % (h.shape,))
        info = <AGInfo>h._ag
        if info.node is not None and info.node.freed:
            raise MXNetError("backward: the graph of this array was already freed by an earlier "
                             "backward(); pass retain_graph=True to the first backward to run it twice")
        hg = head_grads[i] if head_grads is not None else None
        if hg is None:
            g = full_like_array(h, 1)
        else:
            g = <NDArray?>hg
            check_grad_shape(g, h, "backward: head gradient %d" % i)
        if info.acc is None:
            info.acc = g
            touched.append(info)
        else:
            info.acc = info.acc + g
        head_infos.append(info)
    order = topo_order(head_infos)
    old = (gx_ag_recording, gx_ag_training, gx_ag_grad_enabled)
    set_state(1 if create_graph else 0, gx_ag_training, 1 if create_graph else 0)
    try:
        for node in reversed(order):
            out_grads = []
            found = False
            for oi_obj in node.out_infos:
                oi = <AGInfo>oi_obj
                og = oi.acc
                if og is not None:
                    found = True
                    oi.acc = None
                out_grads.append(og)
            if not found:
                continue
            if node.freed:
                raise MXNetError("backward: part of the graph was already freed by an earlier "
                                 "backward(); pass retain_graph=True to the first backward")
            for j in range(len(out_grads)):
                if out_grads[j] is None:
                    out_grads[j] = full_like_array(<NDArray>node.outputs[j], 0)
            if node.rule is None:
                raise MXNetNotImplementedError("backward: operator %s has no gradient rule" % node.op)
            if create_graph:
                # let the rule's uses of the outputs join the graph (the node
                # keeps detached views, so that it holds no reference cycle)
                for j in range(len(node.outputs)):
                    (<NDArray>node.outputs[j])._ag = node.out_infos[j]
                try:
                    in_grads = node.rule(node, *out_grads)
                finally:
                    for j in range(len(node.outputs)):
                        (<NDArray>node.outputs[j])._ag = None
            else:
                in_grads = node.rule(node, *out_grads)
            if not isinstance(in_grads, (tuple, list)):
                in_grads = (in_grads,)
            for j, p_obj in enumerate(node.parents):
                if p_obj is None:
                    continue
                gj = in_grads[j] if j < len(in_grads) else None
                if gj is None:
                    continue
                p = <AGInfo>p_obj
                check_grad_shape(<NDArray?>gj, node.inputs[j], node.op, j)
                if p.acc is None:
                    p.acc = gj
                    touched.append(p)
                else:
                    p.acc = p.acc + gj
            if not retain_graph:
                node.free()
    except BaseException:
        for p_obj in touched:
            (<AGInfo>p_obj).acc = None
        raise
    finally:
        set_state(*old)
    if variables is not None:
        result = []
        for v in variables:
            vi = (<NDArray?>v)._ag
            if vi is None:
                for p_obj in touched:
                    (<AGInfo>p_obj).acc = None
                raise MXNetError("autograd.grad: a variable of shape %s was not marked with "
                                 "attach_grad()/mark_variables" % (v.shape,))
            gv = (<AGInfo>vi).acc
            result.append(gv if gv is not None else full_like_array(<NDArray>v, 0))
        for p_obj in touched:
            (<AGInfo>p_obj).acc = None
        return result
    for p_obj in touched:
        info = <AGInfo>p_obj
        g_obj = info.acc
        info.acc = None
        if g_obj is None or not info.leaf or info.grad_req == "null":
            continue
        if info.grad is None:
            info.grad = g_obj
        elif info.grad_req == "add":
            copy_into(<NDArray>info.grad, <NDArray>(info.grad + g_obj), "backward")
        elif (<NDArray>g_obj)._data != (<NDArray>info.grad)._data:   # (a rule may have written it there)
            copy_into(<NDArray>info.grad, <NDArray>g_obj, "backward")
        info.fresh = True
    if not retain_graph:
        for info in head_infos:
            if info.node is not None:
                info.node.free()
    return None


def link_copy(NDArray v, NDArray src):
    """Makes leaf `v`, whose uses are already on the tape, the output of a
    recorded copy of `src`: gradients that reach v continue into src.  (A
    compiled graph's higher-order gradients run its operators on such
    stand-ins.)"""
    cdef AGInfo info = <AGInfo>v._ag
    cdef AGInfo parent = <AGInfo>src._ag if src._ag is not None else None
    cdef Node node
    if info is None:
        raise MXNetError("link_copy: the array has no autograd state")
    if parent is not None and parent.leaf and parent.grad_req == "null" and not parent.torch:
        parent = None
    node = Node.__new__(Node)
    node.op = "_copy"
    node.rule = _rule_lookup("_copy") if _rule_lookup is not None else None
    node.inputs = (src,)
    node.parents = (parent,)
    node.attrs = None
    node.outputs = (detached(v),)
    node.out_infos = (info,)
    info.leaf = False
    info.grad = None
    info.grad_req = "write"
    info.node = node
    info.index = 0
