import Foundation
import Torch

extension ModelSpec {
    /// Loads `weights` (with `weights_prefix` before every key of the file) into `model`; nil
    /// when the spec names no file. Nothing is copied unless every matched key fits.
    ///
    /// - Throws: `SpecError` at `$.model.weights` naming the file and what is wrong: an
    ///   unreadable file, a key missing or unexpected (strict), a shape that differs (both shapes).
    public func loadWeights(into model: Module) throws -> WeightsReport? {
        guard let weights else { return nil }
        let path = "$.model.weights"
        let file: [(name: String, tensor: Tensor)]
        do { file = try StateDictFile.read(URL(fileURLWithPath: weights)) } catch let error as TorchError {
            throw SpecError(path: path, message: error.message)
        }
        let values = Dictionary(file.map { (weightsPrefix + $0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
        let prefixNote = weightsPrefix.isEmpty ? "" : " (file keys with weights_prefix \"\(weightsPrefix)\")"
        do {
            let left = try model.loadStateDict(values, strict: weightsStrict)
            return WeightsReport(file: weights, loaded: values.count - left.unexpected.count, left: left)
        } catch let error as StateDictError {
            let hint = if case .keys = error { "; \"weights_strict\": false loads the keys that match" } else { "" }
            throw SpecError(path: path, message: "\(weights): \(error)\(prefixNote)\(hint)")
        }
    }
}
