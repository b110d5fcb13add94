/// Placeholder until the HTTPServer target lands.
enum HTTPServerPlaceholder {}
