import CordonCore
import Foundation

/// The calling token as `GET /v1/whoami` shows it (no secret).
struct WhoAmIResponse: Encodable {
    var id: String
    var name: String
    var role: TokenRole
    var regions: [String]
    var purposes: [String]
}

/// The console's static files (decision 0016): embedded in the binary by SwiftPM
/// (`resources: [.embedInCode("Console")]`, so an installed binary needs nothing beside
/// it), and Chart.js read from Debian's `libjs-chart.js` on first use.
enum ConsoleAssets {
    /// A file the console serves: its bytes and media type.
    struct Asset: Sendable {
        var bytes: [UInt8]
        var contentType: String
    }

    /// Every embedded file by its name under `/console/`; `index.html` is also `/console/`.
    static let files: [String: Asset] = [
        "index.html": Asset(bytes: PackageResources.index_html, contentType: "text/html; charset=utf-8"),
        "console.css": Asset(bytes: PackageResources.console_css, contentType: "text/css; charset=utf-8"),
        "app.js": Asset(bytes: PackageResources.app_js, contentType: javaScript),
        "api.js": Asset(bytes: PackageResources.api_js, contentType: javaScript),
        "ui.js": Asset(bytes: PackageResources.ui_js, contentType: javaScript),
        "verify.js": Asset(bytes: PackageResources.verify_js, contentType: javaScript),
        "charts.js": Asset(bytes: PackageResources.charts_js, contentType: javaScript),
        "pages-dpo.js": Asset(bytes: PackageResources.pages_dpo_js, contentType: javaScript),
        "pages-registers.js": Asset(bytes: PackageResources.pages_registers_js, contentType: javaScript),
        "pages-dsr.js": Asset(bytes: PackageResources.pages_dsr_js, contentType: javaScript),
        "pages-analyst.js": Asset(bytes: PackageResources.pages_analyst_js, contentType: javaScript),
        "pages-admin.js": Asset(bytes: PackageResources.pages_admin_js, contentType: javaScript),
    ]

    static let javaScript = "text/javascript; charset=utf-8"

    /// Where Debian's `libjs-chart.js` (3.9) puts the minified UMD build.
    static let chartJSPath = "/usr/share/javascript/chart.js/chart.min.js"

    /// Chart.js as read from ``chartJSPath`` on first use (`nil` when the package is missing:
    /// the console then shows tables without charts).
    static let chartJS: [UInt8]? = FileManager.default.contents(atPath: chartJSPath).map(Array.init)

    /// The headers of every console response. The page loads scripts, styles and data only
    /// from this origin, may not be framed, sends no referrer, and the browser may not guess
    /// a type other than the one given.
    static let securityHeaders: [(name: String, value: String)] = [
        (
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
                + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        ),
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
    ]

    /// A `200` with `bytes` and the console's headers.
    static func response(_ bytes: [UInt8], contentType: String) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", contentType)] + securityHeaders, body: bytes)
    }
}

extension Endpoints {
    /// `GET /console/`: the console's page. Static, the same for every visitor, served while
    /// sealed too; not audited (decision 0016): it carries no data, and everything the page
    /// then reads or writes goes through the API, which authenticates and audits each call.
    func consoleIndex(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        try consoleFile("index.html")
    }

    /// `GET /console/{asset}`: one embedded file (`404 not_found` for any other name).
    func consoleAsset(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        try consoleFile(context.parameter("asset") ?? "")
    }

    /// `GET /console/vendor/chart.js`: Chart.js from Debian's `libjs-chart.js`.
    func consoleChartJS(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        guard let bytes = ConsoleAssets.chartJS else {
            throw APIError(
                status: 404,
                code: "not_found",
                message: "Chart.js is not installed on the server; install the Debian package libjs-chart.js",
                headers: ConsoleAssets.securityHeaders
            )
        }
        return ConsoleAssets.response(bytes, contentType: ConsoleAssets.javaScript)
    }

    private func consoleFile(_ name: String) throws -> HTTPResponse {
        guard let asset = ConsoleAssets.files[name] else {
            throw APIError(
                status: 404,
                code: "not_found",
                message: "no such console file; open /console/",
                headers: ConsoleAssets.securityHeaders
            )
        }
        return ConsoleAssets.response(asset.bytes, contentType: asset.contentType)
    }

    /// `GET /v1/keys`: the key hierarchy's ids and versions, as `cordon keys status --json`
    /// (for a token that covers every region: keyrings are per region and the master key is
    /// everyone's).
    func keyStatus(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        for region in session.vault.regionIDs { try authorize(context, region: region) }
        return try HTTPResponse.json(try session.vault.keyStatus())
    }

    /// `GET /v1/whoami`: the calling token's id, name, role, regions and purposes.
    func whoami(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let token = try context.requireToken()
        return try HTTPResponse.json(
            WhoAmIResponse(
                id: token.id,
                name: token.name,
                role: token.role,
                regions: token.scope.names,
                purposes: token.purposes.map(\.rawValue)
            )
        )
    }
}
