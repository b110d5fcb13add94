import HTTPServer

extension DaemonAPI {
    /// `GET /` and `GET /ui/{name}`: the dashboard, from files read once here, at start-up.
    static func addDashboardRoutes(_ router: inout Router, _ core: DaemonCore) {
        let assets = DashboardAssets()
        if let problem = assets.problem { core.logger.warning("\(problem)") }
        router.get("/") { _ in assets.page() }
        router.get("/ui/{name}") { request in try assets.asset(named: try request.parameter("name")) }
    }
}
