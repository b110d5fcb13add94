/// A first-order optimizer over a fixed list of parameters.
///
/// `learningRate` and `momentum` are settable between steps so schedules (one-cycle) can drive
/// them; `momentum` is SGD's momentum or Adam's beta1, as fastai treats it.
public protocol Optimizer: AnyObject {
    var parameters: [Tensor] { get }
    var learningRate: Double { get set }
    var momentum: Double { get set }
    /// Steps taken so far.
    var stepCount: Int { get }
    /// Applies one update from the parameters' current gradients (those without one are skipped).
    func step() throws
    /// The optimizer's state tensors by name, for checkpoints.
    func stateTensors() -> [(name: String, tensor: Tensor)]
    /// Restores the step counter after loading state tensors from a checkpoint.
    func restore(stepCount: Int)
}

extension Optimizer {
    /// Undefines every parameter's gradient (PyTorch's `zero_grad(set_to_none=True)`).
    public func zeroGrad() throws {
        for parameter in parameters { try parameter.setGrad(nil) }
    }
}
