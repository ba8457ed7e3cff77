package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Add;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaContext;
import java.util.List;

/**
 * y = x_1 + ... + x_n; each input's gradient gets dL/dy added (twice for an input given twice, one launch after the
 * other on the stream, so fan-out accumulates without races), or copied into it where the call hands it over fresh.
 */
public final class AddKernel implements Kernel<Add> {
    private final Launcher launcher;

    public AddKernel(CudaContext context) {
        this.launcher = new Launcher(context);
    }

    @Override
    public Object forward(Add op, ForwardCall call) {
        List<Tensor> inputs = call.inputs();
        long n = call.output().size();
        launcher.overElements("elementwise", "add_act", n, inputs.get(0), inputs.get(1), call.output(), n);
        for (Tensor input : inputs.subList(2, inputs.size())) {
            launcher.accumulate(input, call.output());
        }
        return null;
    }

    @Override
    public void backward(Add op, BackwardCall call) {
        for (int position = 0; position < call.inputGrads().size(); position++) {
            Tensor inputGrad = call.inputGrads().get(position);
            if (inputGrad == null) {
                continue;
            }
            if (call.fresh(position)) {
                launcher.copy(call.outputGrad(), inputGrad);
            } else {
                launcher.accumulate(call.outputGrad(), inputGrad);
            }
        }
    }

    @Override
    public boolean writesFreshInputGradient(Add op, int position) {
        return true;
    }
}
