/// Placeholder until the HookKit target lands.
enum HookKitPlaceholder {}
