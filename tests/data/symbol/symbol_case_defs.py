"""The cases of symbol_cases.json: code strings that build a Symbol with `mx` (and `np`) only,
so that gen_symbol_mxnet.py can run them with MXNet 1.9.1 and the gluonx tests with gluonx.
Pure data: nothing here imports MXNet.  `all_cases()` returns them in file order."""

CASES = []


def case(name, code, shapes=None, dtypes=None, mode=None):
    code = code.strip("\n")
    if mode is None:
        mode = "exec" if "\n" in code or code.startswith("sym =") else "eval"
    c = {"name": name, "mode": mode, "code": code}
    if shapes is not None:
        c["shapes"] = {k: list(v) for k, v in shapes.items()}
    if dtypes is not None:
        c["dtypes"] = dtypes
    CASES.append(c)


V = "mx.sym.var"
A_B = {"a": (2, 3), "b": (2, 3)}


def define_naming_cases():
    case("auto_fc_act_chain", """
data = mx.sym.var('data')
h = mx.sym.FullyConnected(data, num_hidden=8)
h = mx.sym.Activation(h, act_type='relu')
h = mx.sym.FullyConnected(h, num_hidden=6)
h = mx.sym.Activation(h, act_type='tanh')
sym = mx.sym.FullyConnected(h, num_hidden=4)
""", shapes={"data": (2, 5)}, dtypes={"data": "float32"})
    case("auto_conv_chain", """
data = mx.sym.var('data')
h = mx.sym.Convolution(data, kernel=(3, 3), num_filter=4)
h = mx.sym.Activation(h, act_type='relu')
h = mx.sym.Convolution(h, kernel=(3, 3), num_filter=4, pad=(1, 1))
h = mx.sym.Activation(h, act_type='relu')
h = mx.sym.Pooling(h, kernel=(2, 2), stride=(2, 2), pool_type='max')
h = mx.sym.Flatten(h)
h = mx.sym.FullyConnected(h, num_hidden=3)
sym = mx.sym.SoftmaxOutput(h)
""", shapes={"data": (1, 2, 8, 8)})
    case("auto_batchnorm_dropout", """
data = mx.sym.var('data')
h = mx.sym.BatchNorm(data)
h = mx.sym.Dropout(h, p=0.3)
h = mx.sym.BatchNorm(h)
sym = mx.sym.LeakyReLU(h, act_type='prelu')
""", shapes={"data": (2, 3, 4)})
    case("explicit_names", """
data = mx.sym.var('data')
h = mx.sym.FullyConnected(data, num_hidden=8, name='fc1')
h = mx.sym.Activation(h, act_type='relu', name='relu1')
sym = mx.sym.FullyConnected(h, num_hidden=4, name='fc2')
""", shapes={"data": (2, 5)})
    case("mixed_explicit_and_auto", """
data = mx.sym.var('data')
h = mx.sym.FullyConnected(data, num_hidden=8, name='fc1')
h = mx.sym.FullyConnected(h, num_hidden=8)
h = mx.sym.FullyConnected(h, num_hidden=8, name='fc2')
sym = mx.sym.FullyConnected(h, num_hidden=8)
""", shapes={"data": (2, 5)})
    case("explicit_weight_vars", """
data = mx.sym.var('data')
w = mx.sym.var('my_weight')
b = mx.sym.var('my_bias')
sym = mx.sym.FullyConnected(data, weight=w, bias=b, num_hidden=3, name='fc')
""", shapes={"data": (2, 5)})
    case("shared_weight", """
data = mx.sym.var('data')
w = mx.sym.var('shared_weight')
h = mx.sym.FullyConnected(data, weight=w, num_hidden=5, no_bias=True, name='fc_a')
sym = mx.sym.FullyConnected(h, weight=w, num_hidden=5, no_bias=True, name='fc_b')
""", shapes={"data": (2, 5)})
    case("prefix", """
data = mx.sym.var('data')
with mx.name.Prefix('pre_'):
    h = mx.sym.FullyConnected(data, num_hidden=4)
    h = mx.sym.Activation(h, act_type='relu')
    h = mx.sym.FullyConnected(h, num_hidden=3, name='fc')
    v = mx.sym.var('inner')
sym = mx.sym.FullyConnected(h + v, num_hidden=2)
""", shapes={"data": (2, 5)})
    case("namemanager_nested", """
data = mx.sym.var('data')
h = mx.sym.FullyConnected(data, num_hidden=2)
with mx.name.NameManager():
    h = mx.sym.FullyConnected(h, num_hidden=3)
    h = mx.sym.FullyConnected(h, num_hidden=4)
sym = mx.sym.FullyConnected(h, num_hidden=5)
""", shapes={"data": (2, 5)})
    case("attrscope", """
with mx.AttrScope(ctx_group='x', lr_mult='0.1'):
    data = mx.sym.var('data')
    h = mx.sym.FullyConnected(data, num_hidden=3, name='fc1')
sym = mx.sym.Activation(h, act_type='relu', name='relu1')
""", shapes={"data": (2, 5)})
    case("attrscope_nested", """
with mx.AttrScope(ctx_group='dev1', __mood__='calm'):
    data = mx.sym.var('data')
    with mx.AttrScope(lr_mult='2', __mood__='angry'):
        h = mx.sym.FullyConnected(data, num_hidden=3, name='fc1')
    h = mx.sym.Activation(h, act_type='relu', name='relu1', attr={'__extra__': 'yes'})
sym = h
""")
    case("attrscope_plain_key_on_var", """
with mx.AttrScope(mood='calm'):
    sym = mx.sym.var('data')
""")
    case("attrscope_plain_key_on_op", """
with mx.AttrScope(mood='calm'):
    sym = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=3, name='fc1')
""")
    case("var_full", "mx.sym.var('w', shape=(3, 4), dtype='float16', init=mx.init.Xavier(magnitude=2), "
         "lr_mult=0.5, wd_mult=0.1, attr={'foo': 'bar'})", shapes={}, dtypes={})
    case("var_init_string_and_stype", "mx.sym.var('x', init='zeros', stype='row_sparse')")
    case("variable_alias", "mx.sym.Variable('data', shape=(2, 3), lr_mult=2.0)", shapes={})
    case("var_full_in_fc", """
w = mx.sym.var('w', shape=(3, 4), dtype='float16', init=mx.init.Xavier(), lr_mult=0.5, wd_mult=0.1,
               attr={'foo': 'bar'})
sym = mx.sym.FullyConnected(mx.sym.var('data'), weight=w, num_hidden=3, no_bias=True, name='fc')
""", shapes={"data": (2, 4)}, dtypes={"data": "float16"})
    case("var_shape_attr_drives_infer_shape",
         "mx.sym.FullyConnected(mx.sym.var('data', shape=(2, 5)), num_hidden=3, name='fc')",
         shapes={})
    case("var_dtype_attr_drives_infer_type",
         "mx.sym.FullyConnected(mx.sym.var('data', dtype='float64'), num_hidden=3, name='fc')",
         dtypes={})
    case("op_attr_kwarg_dunder",
         "mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=3, name='fc', "
         "attr={'lr_mult': '2', '__mood__': 'happy'})")
    case("op_attr_kwarg_plain_key",
         "mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=3, name='fc', "
         "attr={'lr_mult': '2', 'mood': 'happy'})")
    case("infer_shape_unknown_keyword",
         "mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=3, name='fc')",
         shapes={"data": (2, 5), "foo": (2, 5)})


def define_arith_cases():
    a, b = V + "('a')", V + "('b')"
    binops = [("add", "+", "_plus"), ("sub", "-", "_minus"), ("mul", "*", "_mul"),
              ("div", "/", "_div"), ("pow", "**", "_power"), ("mod", "%", "_mod")]
    for nm, op, _ in binops:
        case("arith_sym_%s_sym" % nm, "%s %s %s" % (a, op, b), shapes=A_B,
             dtypes={"a": "float32", "b": "float32"})
    for nm, op, _ in binops:
        case("arith_sym_%s_scalar" % nm, "%s %s 2" % (a, op), shapes={"a": (2, 3)})
        case("arith_scalar_%s_sym" % nm, "2 %s %s" % (op, a), shapes={"a": (2, 3)})
    case("arith_sym_add_float_scalar", a + " + 0.1", shapes={"a": (2, 3)})
    case("arith_sym_mul_small_float", a + " * 1e-08")
    case("arith_sym_add_bool", a + " + True")
    case("arith_neg", "-" + a, shapes={"a": (2, 3)})
    case("arith_abs", "abs(%s)" % a, shapes={"a": (2, 3)})
    case("arith_pos_copy", "+" + a)
    cmps = [("eq", "=="), ("ne", "!="), ("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<=")]
    for nm, op in cmps:
        case("cmp_sym_%s_scalar" % nm, "%s %s 1" % (a, op), shapes={"a": (2, 3)})
        case("cmp_sym_%s_sym" % nm, "%s %s %s" % (a, op, b), shapes=A_B)
        case("cmp_scalar_%s_sym" % nm, "1 %s %s" % (op, a), shapes={"a": (2, 3)})
    case("arith_chain", "(%s + 1) * 2 - %s / 3" % (a, b), shapes=A_B)
    case("arith_repeated_scalar", a + " + 1 + 1 + 1", shapes={"a": (2, 3)})
    case("arith_same_var", "%s + %s" % (a, a), shapes={"a": (2, 3)})
    case("arith_mixed_chain", "-(%s * %s + 3) / (%s - 1) ** 2 %% 4" % (a, b, a), shapes=A_B)
    case("arith_shape_mismatch", "%s + %s" % (a, b), shapes={"a": (2, 3), "b": (3,)})
    case("arith_backward_shape", "%s * %s" % (a, b), shapes={"a": (2, 3)})
    case("arith_type_flow_float16", "%s + %s" % (a, b), dtypes={"a": "float16"})
    case("arith_type_conflict", "%s + %s" % (a, b), dtypes={"a": "float16", "b": "float32"})
    case("arith_method_ops", "mx.sym.var('a').exp().sqrt().reshape((3, 2)).sum(axis=1)",
         shapes={"a": (2, 3)})


def define_structure_cases():
    case("group", """
fc = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=3, name='fc1')
act = mx.sym.Activation(mx.sym.var('x'), act_type='relu', name='act')
sym = mx.sym.Group([fc, act])
""", shapes={"data": (2, 4), "x": (5,)})
    case("group_shared", """
fc = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=3, name='fc1')
sym = mx.sym.Group([fc, mx.sym.Activation(fc, act_type='relu', name='relu1'), fc])
""", shapes={"data": (2, 4)})
    case("group_nested_and_multi", """
sp = mx.sym.SliceChannel(mx.sym.var('data'), num_outputs=2, name='sp')
sym = mx.sym.Group([mx.sym.Group([sp, mx.sym.var('z')]), sp[1]])
""", shapes={"data": (2, 4), "z": (1,)})
    mlp = """
data = mx.sym.var('data')
fc1 = mx.sym.FullyConnected(data, num_hidden=4, name='fc1')
net = mx.sym.Activation(fc1, act_type='relu', name='relu1')
"""
    case("get_internals", mlp + "sym = net.get_internals()", shapes={"data": (2, 3)})
    case("internals_by_name", mlp + "sym = net.get_internals()['fc1_output']", shapes={"data": (2, 3)})
    case("internals_weight_by_name", mlp + "sym = net.get_internals()['fc1_weight']")
    case("internals_by_index", mlp + "sym = net.get_internals()[1]")
    case("internals_missing_name", mlp + "sym = net.get_internals()['nope_output']")
    case("get_children", mlp + "sym = net.get_children()", shapes={"data": (2, 3)})
    case("get_children_of_fc", mlp + "sym = fc1.get_children()")
    case("get_children_of_var", "mx.sym.var('x').get_children()")
    case("get_children_of_group", """
sym = mx.sym.Group([mx.sym.var('a') + mx.sym.var('b'), mx.sym.relu(mx.sym.var('c'))]).get_children()
""")
    case("index_output_int", "mx.sym.SliceChannel(mx.sym.var('data'), num_outputs=3, axis=1)[2]",
         shapes={"data": (2, 6, 4)})
    case("index_output_name", "mx.sym.SliceChannel(mx.sym.var('data'), num_outputs=3, axis=1, "
         "name='sc')['sc_output1']", shapes={"data": (2, 6, 4)})
    case("index_single_output_0", "mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2, "
         "name='fc1')[0]", shapes={"data": (2, 6)})
    case("index_fc1_output_name", "mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2, "
         "name='fc1')['fc1_output']")
    case("index_out_of_range", "mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2)[1]")
    case("index_then_op", "mx.sym.SliceChannel(mx.sym.var('data'), num_outputs=2)[1] + 1",
         shapes={"data": (2, 4)})
    case("index_slice", "mx.sym.SliceChannel(mx.sym.var('data'), num_outputs=4, name='sc')[1:3]")
    comp = """
net = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=4, name='fc2')
other = mx.sym.Activation(mx.sym.var('x'), act_type='relu', name='act0')
"""
    case("compose_kwarg", comp + "sym = net(data=other)", shapes={"x": (2, 3)})
    case("compose_positional", comp + "sym = net(other)", shapes={"x": (2, 3)})
    case("compose_positional_single_input",
         "mx.sym.Activation(mx.sym.var('x'), act_type='relu', name='a')(mx.sym.var('y') * 2)",
         shapes={"y": (2, 3)})
    case("compose_with_name", comp + "sym = net(data=other, name='composed')", shapes={"x": (2, 3)})
    case("compose_weight", comp + "sym = net(fc2_weight=mx.sym.var('w2') * 2)",
         shapes={"data": (2, 3)})
    case("compose_keeps_original", comp + "net2 = net(data=other)\nsym = net", shapes={"data": (2, 3)})
    case("compose_unknown_kwarg", comp + "sym = net(nope=other)")
    case("compose_method", comp + "sym = net.__copy__()\nsym._compose(data=other, name='c2')",
         shapes={"x": (2, 3)})
    case("multi_slicechannel", "mx.sym.SliceChannel(mx.sym.var('data'), num_outputs=3, axis=1)",
         shapes={"data": (2, 6, 4)})
    case("multi_split_squeeze", "mx.sym.split(mx.sym.var('data'), num_outputs=3, axis=2, "
         "squeeze_axis=True)", shapes={"data": (2, 4, 3)})
    case("multi_batchnorm_output_mean_var", "mx.sym.BatchNorm(mx.sym.var('data'), "
         "output_mean_var=True, name='bn')", shapes={"data": (2, 3, 4, 4)})
    case("multi_batchnorm_plain", "mx.sym.BatchNorm(mx.sym.var('data'), name='bn')",
         shapes={"data": (2, 3, 4, 4)})
    case("multi_batchnorm_index1", "mx.sym.BatchNorm(mx.sym.var('data'), output_mean_var=True, "
         "name='bn')[1]", shapes={"data": (2, 3, 4, 4)})
    case("multi_topk_both", "mx.sym.topk(mx.sym.var('data'), k=2, ret_typ='both')",
         shapes={"data": (3, 5)}, dtypes={"data": "float32"})
    case("multi_layernorm_output_mean_var", "mx.sym.LayerNorm(mx.sym.var('data'), "
         "output_mean_var=True, name='ln')", shapes={"data": (2, 3, 4)})


def define_shape_cases():
    d = V + "('data')"
    S = {"data": None}

    def sc(name, code, shape, **kw):
        shapes = dict(kw.pop("shapes", {}))
        if shape is not None:
            shapes["data"] = shape
        case("shape_" + name, code, shapes=shapes, **kw)

    # FullyConnected
    sc("fc_flatten", "mx.sym.FullyConnected(%s, num_hidden=5, name='fc')" % d, (2, 3, 4))
    sc("fc_no_flatten", "mx.sym.FullyConnected(%s, num_hidden=5, flatten=False, name='fc')" % d,
       (2, 3, 4))
    sc("fc_no_bias", "mx.sym.FullyConnected(%s, num_hidden=5, no_bias=True, name='fc')" % d, (2, 7))
    sc("fc_backward_from_weight", "mx.sym.FullyConnected(%s, num_hidden=5, name='fc')" % d, None,
       shapes={"fc_weight": (5, 12)})
    sc("fc_backward_batch_known", "mx.sym.FullyConnected(%s, num_hidden=5, name='fc')" % d, (4, 0),
       shapes={"fc_weight": (5, 12)})
    sc("fc_inconsistent_weight", "mx.sym.FullyConnected(%s, num_hidden=3, name='fc')" % d, (2, 5),
       shapes={"fc_weight": (4, 5)})
    # Convolution
    sc("conv1d", "mx.sym.Convolution(%s, kernel=(3,), stride=(2,), pad=(1,), num_filter=4, "
       "name='conv')" % d, (2, 3, 10))
    sc("conv2d", "mx.sym.Convolution(%s, kernel=(3, 3), stride=(2, 1), pad=(1, 0), dilate=(2, 1), "
       "num_filter=8, num_group=2, name='conv')" % d, (2, 4, 11, 9))
    sc("conv2d_no_bias", "mx.sym.Convolution(%s, kernel=(5, 5), num_filter=6, no_bias=True, "
       "name='conv')" % d, (1, 3, 12, 12))
    sc("conv2d_depthwise", "mx.sym.Convolution(%s, kernel=(3, 3), pad=(1, 1), num_filter=6, "
       "num_group=6, no_bias=True, name='dw')" % d, (1, 6, 7, 7))
    sc("conv3d", "mx.sym.Convolution(%s, kernel=(2, 3, 3), stride=(1, 2, 2), pad=(0, 1, 1), "
       "num_filter=4, name='conv')" % d, (1, 2, 5, 6, 7))
    sc("conv2d_nhwc", "mx.sym.Convolution(%s, kernel=(3, 3), num_filter=4, layout='NHWC', "
       "name='conv')" % d, (1, 6, 6, 3))
    sc("conv2d_inconsistent_weight", "mx.sym.Convolution(%s, kernel=(3, 3), num_filter=4, "
       "name='conv')" % d, (1, 3, 8, 8), shapes={"conv_weight": (4, 2, 3, 3)})
    sc("conv2d_too_small", "mx.sym.Convolution(%s, kernel=(5, 5), num_filter=4, name='conv')" % d,
       (1, 3, 3, 3))
    # Deconvolution
    sc("deconv2d_adj", "mx.sym.Deconvolution(%s, kernel=(3, 3), stride=(2, 2), pad=(1, 1), "
       "adj=(1, 1), num_filter=3, name='deconv')" % d, (1, 4, 5, 5))
    sc("deconv2d_target_shape", "mx.sym.Deconvolution(%s, kernel=(4, 4), stride=(2, 2), "
       "target_shape=(12, 12), num_filter=3, name='deconv')" % d, (1, 4, 6, 6))
    sc("deconv2d_group_nobias", "mx.sym.Deconvolution(%s, kernel=(3, 3), num_filter=4, num_group=2, "
       "no_bias=True, name='deconv')" % d, (2, 4, 5, 5))
    sc("deconv1d", "mx.sym.Deconvolution(%s, kernel=(3,), stride=(3,), num_filter=2, "
       "name='deconv')" % d, (1, 3, 4))
    # Pooling
    sc("pool_max_valid", "mx.sym.Pooling(%s, kernel=(3, 3), stride=(2, 2), pool_type='max', "
       "pooling_convention='valid', name='pool')" % d, (1, 2, 7, 8))
    sc("pool_avg_full", "mx.sym.Pooling(%s, kernel=(3, 3), stride=(2, 2), pool_type='avg', "
       "pooling_convention='full', name='pool')" % d, (1, 2, 7, 8))
    sc("pool_global", "mx.sym.Pooling(%s, kernel=(1, 1), global_pool=True, pool_type='avg', "
       "name='pool')" % d, (2, 3, 5, 6))
    sc("pool_global_no_kernel", "mx.sym.Pooling(%s, global_pool=True, pool_type='max')" % d,
       (2, 3, 5, 6))
    sc("pool_pad_sum", "mx.sym.Pooling(%s, kernel=(2, 2), stride=(2, 2), pad=(1, 1), "
       "pool_type='sum')" % d, (1, 1, 5, 5))
    sc("pool1d", "mx.sym.Pooling(%s, kernel=(2,), stride=(2,), pool_type='max')" % d, (2, 3, 9))
    sc("pool3d", "mx.sym.Pooling(%s, kernel=(2, 2, 2), stride=(2, 2, 2), pool_type='avg')" % d,
       (1, 2, 4, 5, 6))
    # Normalisation
    sc("batchnorm", "mx.sym.BatchNorm(%s, name='bn')" % d, (2, 3, 4, 4))
    sc("batchnorm_axis_last", "mx.sym.BatchNorm(%s, axis=-1, name='bn')" % d, (2, 4, 4, 5))
    sc("batchnorm_backward_from_gamma", "mx.sym.BatchNorm(%s, name='bn')" % d, None,
       shapes={"bn_gamma": (3,)})
    sc("layernorm", "mx.sym.LayerNorm(%s, name='ln')" % d, (2, 3, 4))
    sc("layernorm_axis1", "mx.sym.LayerNorm(%s, axis=1, name='ln')" % d, (2, 3, 4))
    sc("instancenorm", "mx.sym.InstanceNorm(%s, name='in')" % d, (2, 3, 5))
    sc("groupnorm", "mx.sym.GroupNorm(%s, num_groups=2, name='gn')" % d, (2, 4, 3, 3))
    sc("l2norm_instance", "mx.sym.L2Normalization(%s, mode='instance')" % d, (2, 3, 4))
    sc("l2norm_channel", "mx.sym.L2Normalization(%s, mode='channel')" % d, (2, 3, 4))
    sc("lrn", "mx.sym.LRN(%s, nsize=3)" % d, (1, 5, 4, 4))
    # Misc layers
    sc("embedding", "mx.sym.Embedding(%s, input_dim=10, output_dim=4, name='emb')" % d, (2, 3),
       dtypes={"data": "int32"})
    sc("embedding_float16", "mx.sym.Embedding(%s, input_dim=10, output_dim=4, dtype='float16', "
       "name='emb')" % d, (2, 3), dtypes={"data": "float32"})
    sc("prelu", "mx.sym.LeakyReLU(%s, act_type='prelu', name='prelu')" % d, (2, 3, 4))
    sc("leaky", "mx.sym.LeakyReLU(%s, act_type='leaky', slope=0.1)" % d, (2, 3))
    sc("rrelu", "mx.sym.LeakyReLU(%s, act_type='rrelu')" % d, (2, 3))
    sc("activation", "mx.sym.Activation(%s, act_type='sigmoid')" % d, (2, 3))
    sc("dropout", "mx.sym.Dropout(%s, p=0.5)" % d, (2, 3))
    sc("dropout_axes", "mx.sym.Dropout(%s, p=0.5, axes=(1,))" % d, (2, 3, 4))
    sc("softmax", "mx.sym.softmax(%s, axis=-1)" % d, (2, 3, 4))
    sc("log_softmax", "mx.sym.log_softmax(%s, axis=1)" % d, (2, 3, 4))
    sc("softmax_output", "mx.sym.SoftmaxOutput(%s, name='softmax')" % d, (4, 10))
    sc("softmax_output_multi", "mx.sym.SoftmaxOutput(%s, multi_output=True, name='softmax')" % d,
       (2, 3, 4))
    sc("softmax_output_preserve", "mx.sym.SoftmaxOutput(%s, preserve_shape=True, name='sm')" % d,
       (2, 3, 4))
    sc("softmax_output_label_given", "mx.sym.SoftmaxOutput(%s, mx.sym.var('lbl'), name='sm')" % d,
       (4, 10))
    sc("linear_regression_output", "mx.sym.LinearRegressionOutput(%s, name='lro')" % d, (4, 3))
    sc("flatten", "mx.sym.Flatten(%s)" % d, (2, 3, 4, 5))
    sc("flatten_1d", "mx.sym.flatten(%s)" % d, (7,))
    # Reshape family
    for nm, kw in [("0_m1", "shape=(0, -1)"), ("m2", "shape=(-2,)"), ("m3_m2", "shape=(-3, -2)"),
                   ("0_m4", "shape=(0, -4, 1, -1, -2)"), ("m4_m1_2", "shape=(-4, -1, 2, -2)"),
                   ("0_0_m1", "shape=(0, 0, -1)"), ("m1_0_reverse", "shape=(-1, 0), reverse=True"),
                   ("plain", "shape=(4, 30)"), ("m3_m3", "shape=(-3, -3)"),
                   ("bad_size", "shape=(7, -1)"), ("0_m1_m2_reverse", "shape=(-1, 5), reverse=True")]:
        sc("reshape_" + nm, "mx.sym.Reshape(%s, %s)" % (d, kw), (2, 3, 4, 5))
    sc("reshape_backward", "mx.sym.reshape(%s, shape=(6, -1))" % d, None)
    sc("transpose", "mx.sym.transpose(%s)" % d, (2, 3, 4))
    sc("transpose_axes", "mx.sym.transpose(%s, axes=(0, 2, 1))" % d, (2, 3, 4))
    sc("expand_dims", "mx.sym.expand_dims(%s, axis=1)" % d, (2, 3))
    sc("expand_dims_neg", "mx.sym.expand_dims(%s, axis=-1)" % d, (2, 3))
    sc("squeeze_all", "mx.sym.squeeze(%s)" % d, (2, 1, 3, 1))
    sc("squeeze_axis", "mx.sym.squeeze(%s, axis=1)" % d, (2, 1, 3, 1))
    case("shape_concat", "mx.sym.concat(mx.sym.var('a'), mx.sym.var('b'), mx.sym.var('c'), dim=1)",
         shapes={"a": (2, 3), "b": (2, 4), "c": (2, 1)})
    case("shape_concat_partial", "mx.sym.concat(mx.sym.var('a'), mx.sym.var('b'), dim=1)",
         shapes={"a": (2, 3)})
    case("shape_concat_mismatch", "mx.sym.concat(mx.sym.var('a'), mx.sym.var('b'), dim=1)",
         shapes={"a": (2, 3), "b": (3, 3)})
    case("shape_Concat_num_args", "mx.sym.Concat(mx.sym.var('a'), mx.sym.var('b'), num_args=2, "
         "dim=0)", shapes={"a": (2, 3), "b": (1, 3)})
    case("shape_stack", "mx.sym.stack(mx.sym.var('a'), mx.sym.var('b'), axis=1)",
         shapes={"a": (2, 3), "b": (2, 3)})
    case("shape_stack_backward", "mx.sym.stack(mx.sym.var('a'), mx.sym.var('b'), axis=0)",
         shapes={"a": (2, 3)})
    sc("slice", "mx.sym.slice(%s, begin=(0, 1), end=(2, 3))" % d, (3, 4, 5))
    sc("slice_none_step", "mx.sym.slice(%s, begin=(None, 3), end=(None, 0), step=(1, -1))" % d,
       (3, 4, 5))
    sc("slice_axis", "mx.sym.slice_axis(%s, axis=1, begin=1, end=None)" % d, (3, 4, 5))
    sc("slice_axis_neg", "mx.sym.slice_axis(%s, axis=-1, begin=-3, end=-1)" % d, (3, 4, 5))
    case("shape_slice_like", "mx.sym.slice_like(mx.sym.var('data'), mx.sym.var('like'), axes=(1,))",
         shapes={"data": (3, 4, 5), "like": (1, 2, 3)})
    case("shape_slice_like_all", "mx.sym.slice_like(mx.sym.var('data'), mx.sym.var('like'))",
         shapes={"data": (3, 4, 5), "like": (1, 2, 3)})
    sc("tile", "mx.sym.tile(%s, reps=(2, 1, 3))" % d, (2, 3))
    sc("repeat", "mx.sym.repeat(%s, repeats=2, axis=1)" % d, (2, 3))
    sc("repeat_flat", "mx.sym.repeat(%s, repeats=3)" % d, (2, 3))
    sc("broadcast_to", "mx.sym.broadcast_to(%s, shape=(2, 3, 4))" % d, (2, 1, 4))
    sc("broadcast_to_zero", "mx.sym.broadcast_to(%s, shape=(0, 3, 0))" % d, (2, 1, 4))
    case("shape_broadcast_like", "mx.sym.broadcast_like(mx.sym.var('a'), mx.sym.var('b'))",
         shapes={"a": (1, 3), "b": (4, 3)})
    case("shape_broadcast_add", "mx.sym.broadcast_add(mx.sym.var('a'), mx.sym.var('b'))",
         shapes={"a": (2, 1, 4), "b": (3, 1)})
    case("shape_broadcast_add_bad", "mx.sym.broadcast_add(mx.sym.var('a'), mx.sym.var('b'))",
         shapes={"a": (2, 3), "b": (4,)})
    case("shape_broadcast_partial", "mx.sym.broadcast_mul(mx.sym.var('a'), mx.sym.var('b'))",
         shapes={"a": (2, 3)})
    case("shape_elemwise_add", "mx.sym.elemwise_add(mx.sym.var('a'), mx.sym.var('b'))",
         shapes={"a": (2, 3), "b": (2, 3)})
    case("shape_elemwise_add_backward", "mx.sym.elemwise_add(mx.sym.var('a'), mx.sym.var('b'))",
         shapes={"b": (2, 3)})
    case("shape_add_n", "mx.sym.add_n(mx.sym.var('a'), mx.sym.var('b'), mx.sym.var('c'))",
         shapes={"a": (2, 3)})
    sc("sum_axis_keepdims", "mx.sym.sum(%s, axis=1, keepdims=True)" % d, (2, 3, 4))
    sc("sum_all", "mx.sym.sum(%s)" % d, (2, 3, 4))
    sc("mean_axes", "mx.sym.mean(%s, axis=(0, 2))" % d, (2, 3, 4))
    sc("max_exclude", "mx.sym.max(%s, axis=1, exclude=True)" % d, (2, 3, 4))
    sc("prod_neg_axis", "mx.sym.prod(%s, axis=-1)" % d, (2, 3, 4))
    sc("norm", "mx.sym.norm(%s, ord=2, axis=1)" % d, (2, 3, 4))
    sc("argmax", "mx.sym.argmax(%s, axis=1)" % d, (2, 3, 4), dtypes={"data": "float16"})
    sc("argmax_keepdims", "mx.sym.argmax(%s, axis=1, keepdims=True)" % d, (2, 3, 4))
    sc("argmax_no_axis", "mx.sym.argmax(%s)" % d, (2, 3, 4))
    sc("argmax_channel", "mx.sym.argmax_channel(%s)" % d, (2, 3))
    case("shape_dot", "mx.sym.dot(mx.sym.var('a'), mx.sym.var('b'))",
         shapes={"a": (2, 3), "b": (3, 4)})
    case("shape_dot_transpose_a", "mx.sym.dot(mx.sym.var('a'), mx.sym.var('b'), transpose_a=True)",
         shapes={"a": (3, 2), "b": (3, 4)})
    case("shape_dot_transpose_b", "mx.sym.dot(mx.sym.var('a'), mx.sym.var('b'), transpose_b=True)",
         shapes={"a": (2, 3), "b": (4, 3)})
    case("shape_dot_nd", "mx.sym.dot(mx.sym.var('a'), mx.sym.var('b'))",
         shapes={"a": (2, 3, 4), "b": (4, 5)})
    case("shape_dot_mismatch", "mx.sym.dot(mx.sym.var('a'), mx.sym.var('b'))",
         shapes={"a": (2, 3), "b": (4, 5)})
    case("shape_batch_dot", "mx.sym.batch_dot(mx.sym.var('a'), mx.sym.var('b'))",
         shapes={"a": (5, 2, 3), "b": (5, 3, 4)})
    case("shape_batch_dot_tb", "mx.sym.batch_dot(mx.sym.var('a'), mx.sym.var('b'), transpose_b=True)",
         shapes={"a": (5, 2, 3), "b": (5, 4, 3)})
    case("shape_take", "mx.sym.take(mx.sym.var('a'), mx.sym.var('indices'))",
         shapes={"a": (5, 4), "indices": (2, 3)}, dtypes={"a": "float32", "indices": "int32"})
    case("shape_take_axis1", "mx.sym.take(mx.sym.var('a'), mx.sym.var('indices'), axis=1, "
         "mode='wrap')", shapes={"a": (5, 4, 2), "indices": (3,)})
    case("shape_pick", "mx.sym.pick(mx.sym.var('data'), mx.sym.var('index'), axis=1)",
         shapes={"data": (3, 4), "index": (3,)})
    case("shape_pick_keepdims", "mx.sym.pick(mx.sym.var('data'), mx.sym.var('index'), axis=1, "
         "keepdims=True)", shapes={"data": (3, 4)})
    sc("one_hot", "mx.sym.one_hot(%s, depth=5)" % d, (2, 3), dtypes={"data": "int32"})
    sc("one_hot_dtype", "mx.sym.one_hot(%s, depth=4, dtype='int32')" % d, (3,),
       dtypes={"data": "float32"})
    case("shape_where", "mx.sym.where(mx.sym.var('cond'), mx.sym.var('x'), mx.sym.var('y'))",
         shapes={"cond": (2, 3), "x": (2, 3)})
    case("shape_where_1d_cond", "mx.sym.where(mx.sym.var('cond'), mx.sym.var('x'), mx.sym.var('y'))",
         shapes={"cond": (2,), "x": (2, 3), "y": (2, 3)})
    sc("clip", "mx.sym.clip(%s, a_min=-1, a_max=1)" % d, (2, 3))
    sc("cast", "mx.sym.cast(%s, dtype='float16')" % d, (2, 3), dtypes={"data": "float32"})
    sc("cast_int", "mx.sym.Cast(%s, dtype='int32', name='c')" % d, (2, 3), dtypes={"data": "float64"})
    case("shape_zeros", "mx.sym.zeros((2, 3))", shapes={}, dtypes={})
    case("shape_ones_dtype", "mx.sym.ones((4,), dtype='float16')", shapes={}, dtypes={})
    case("shape_full", "mx.sym.full((2, 2), 7, name='f')", shapes={}, dtypes={})
    case("shape_arange", "mx.sym.arange(0, 5)", shapes={}, dtypes={})
    case("shape_zeros_plus_var", "mx.sym.zeros((2, 3)) + mx.sym.var('a')", shapes={})
    case("shape_zeros_like", "mx.sym.zeros_like(mx.sym.var('a'))", shapes={"a": (3, 1)})
    sc("upsampling_nearest", "mx.sym.UpSampling(%s, scale=2, sample_type='nearest', num_args=1, "
       "name='up')" % d, (1, 2, 3, 4))
    sc("swapaxis", "mx.sym.SwapAxis(%s, dim1=0, dim2=2)" % d, (2, 3, 4))
    sc("pad_constant", "mx.sym.Pad(%s, mode='constant', pad_width=(0, 0, 0, 0, 1, 2, 3, 4), "
       "constant_value=1)" % d, (1, 2, 3, 4))
    sc("pad_edge", "mx.sym.pad(%s, mode='edge', pad_width=(0, 0, 0, 0, 1, 1, 2, 2))" % d,
       (1, 2, 3, 4))
    case("shape_ctc_loss", "mx.sym.CTCLoss(mx.sym.var('data'), mx.sym.var('label'), name='ctc')",
         shapes={"data": (6, 2, 5), "label": (2, 3)})
    case("shape_ctc_loss_lengths", "mx.sym.ctc_loss(mx.sym.var('data'), mx.sym.var('label'), "
         "mx.sym.var('dlen'), mx.sym.var('llen'), use_data_lengths=True, use_label_lengths=True)",
         shapes={"data": (6, 2, 5), "label": (2, 3), "dlen": (2,), "llen": (2,)})
    for rt in ("indices", "value", "mask"):
        sc("topk_" + rt, "mx.sym.topk(%s, k=2, axis=1, ret_typ='%s')" % (d, rt), (3, 5, 2),
           dtypes={"data": "float32"})
    sc("topk_dtype", "mx.sym.topk(%s, k=3, dtype='int32')" % d, (3, 5), dtypes={"data": "float32"})
    sc("sort", "mx.sym.sort(%s, axis=0, is_ascend=False)" % d, (3, 5))
    sc("argsort", "mx.sym.argsort(%s)" % d, (3, 5), dtypes={"data": "float32"})
    sc("sequence_mask", "mx.sym.SequenceMask(%s, mx.sym.var('len'), "
       "use_sequence_length=True)" % d, (4, 2, 3))
    sc("smooth_l1", "mx.sym.smooth_l1(%s, scalar=1.0)" % d, (2, 3))
    sc("shape_array", "mx.sym.shape_array(%s)" % d, (2, 3, 4),
       dtypes={"data": "float32"})
    sc("diag", "mx.sym.diag(%s)" % d, (3, 4))
    sc("block_grad_identity", "mx.sym.BlockGrad(mx.sym.identity(%s))" % d, (2, 3))


def define_type_cases():
    fc = "mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=3, name='fc')"
    case("type_fc_float64", fc, dtypes={"data": "float64"})
    case("type_fc_float16", fc, dtypes={"data": "float16"})
    case("type_fc_from_weight", fc, dtypes={"fc_weight": "float64"})
    case("type_conv_float16", "mx.sym.Convolution(mx.sym.var('data'), kernel=(3, 3), num_filter=2, "
         "name='conv')", dtypes={"data": "float16"})
    case("type_batchnorm_float16", "mx.sym.BatchNorm(mx.sym.var('data'), name='bn')",
         dtypes={"data": "float16"})
    case("type_batchnorm_float64", "mx.sym.BatchNorm(mx.sym.var('data'), name='bn')",
         dtypes={"data": "float64"})
    case("type_layernorm_float16", "mx.sym.LayerNorm(mx.sym.var('data'), name='ln')",
         dtypes={"data": "float16"})
    case("type_cast_then_fc", "mx.sym.FullyConnected(mx.sym.cast(mx.sym.var('data'), "
         "dtype='float16'), num_hidden=3, name='fc')", dtypes={"data": "float32"})
    case("type_mlp_float64", """
data = mx.sym.var('data')
h = mx.sym.Activation(mx.sym.FullyConnected(data, num_hidden=4, name='fc1'), act_type='relu')
sym = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(h, num_hidden=2, name='fc2'), name='softmax')
""", dtypes={"data": "float64"}, shapes={"data": (3, 5)})
    case("type_embedding_int", "mx.sym.Embedding(mx.sym.var('data'), input_dim=5, output_dim=2, "
         "name='emb')", dtypes={"data": "int64"})
    case("type_conflict_fc", fc, dtypes={"data": "float16", "fc_weight": "float32"})
    case("type_none_given", fc, dtypes={})
    case("type_uint8_int8", "mx.sym.var('a') + mx.sym.var('b')", dtypes={"a": "uint8"})


def all_cases():
    """Every case, defined once (names unique)."""
    if not CASES:
        define_naming_cases()
        define_arith_cases()
        define_structure_cases()
        define_shape_cases()
        define_type_cases()
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names)), "duplicate case names"
    return CASES
