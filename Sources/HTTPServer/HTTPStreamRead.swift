/// What an `HTTPBodyStream` produced for one pull.
public enum HTTPStreamRead: Sendable, Equatable {
    /// This many bytes were written (at least 1).
    case bytes(Int)
    /// Nothing now; the stream calls its `wake` when there is.
    case wait
    /// The body is complete; the server ends the response.
    case end
}
