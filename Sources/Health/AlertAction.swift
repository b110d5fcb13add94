/// What hookd does when a rule fires, besides storing, serving and logging the alert.
public enum AlertAction: String, CaseIterable, Sendable {
    /// Keep training.
    case warn
    /// End the run at the batch boundary, status `failed`, statistics kept.
    case stop
}
