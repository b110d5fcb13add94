import Foundation

/// PyTorch's default parameter initialisers, drawn from libtorch's default generator.
public enum Initialization {
    /// `kaiming_uniform_(w, a=sqrt(5))` and the matching bias bound: PyTorch's default for
    /// Linear and Conv2d, which reduces to uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    public static func pytorchDefault(weight: Tensor, bias: Tensor?, fanIn: Int) throws {
        let bound = 1 / Foundation.sqrt(Double(Swift.max(fanIn, 1)))
        try withNoGrad {
            try weight.fillUniform(-bound, bound)
            try bias?.fillUniform(-bound, bound)
        }
    }

    /// `kaiming_normal_(w, mode, nonlinearity='relu')`: normal(0, sqrt(2 / fan)).
    public static func kaimingNormal(_ weight: Tensor, fan: Int) throws {
        try withNoGrad { try weight.fillNormal(mean: 0, std: Foundation.sqrt(2 / Double(Swift.max(fan, 1)))) }
    }

    /// Fan-in and fan-out of a weight shaped (out, in, *kernel), as torch.nn.init computes them.
    public static func fans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        guard shape.count >= 2 else { return (shape.first ?? 1, shape.first ?? 1) }
        let receptive = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptive, shape[0] * receptive)
    }
}
