import CordonAudit
import CordonCore
import CordonServer
import CordonTestSupport
import Foundation
import Testing

/// The console's serving (decision 0016): every file in `Sources/CordonServer/Console` is
/// embedded and served with its type and the security headers, without a token and without
/// an audit entry; the page holds no inline script or style and the scripts never write
/// markup from strings; the API additions the pages use (`/v1/whoami`, `/v1/keys`, audit
/// search by region and page).
@Suite("Console")
struct ConsoleTests {
    static let consoleDirectory = ServerFixture.packageRoot.appendingPathComponent("Sources/CordonServer/Console")

    static func consoleFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: consoleDirectory.path).filter { !$0.hasPrefix(".") }
            .sorted()
    }

    static func expectSecurityHeaders(_ reply: Reply, _ what: String) {
        let policy = reply.header("Content-Security-Policy") ?? ""
        #expect(policy.contains("default-src 'self'"), "\(what): \(policy)")
        #expect(policy.contains("script-src 'self';") && policy.contains("style-src 'self';"), "\(what): \(policy)")
        #expect(policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe"), "\(what): \(policy)")
        #expect(reply.header("X-Frame-Options") == "DENY", "\(what)")
        #expect(reply.header("X-Content-Type-Options") == "nosniff", "\(what)")
        #expect(reply.header("Referrer-Policy") == "no-referrer", "\(what)")
    }

    @Test("every file of the console directory is served byte for byte with its type and the security headers")
    func everyFileServed() throws {
        let fixture = try ServerFixture()
        let files = try Self.consoleFiles()
        #expect(files.contains("index.html") && files.contains("app.js"))
        for name in files {
            let reply = fixture.call("GET", "/console/\(name)")
            #expect(reply.status == 200, "\(name): \(reply.status) \(reply.text)")
            let bytes = try Data(contentsOf: Self.consoleDirectory.appendingPathComponent(name))
            #expect(Data(reply.body) == bytes, "\(name) differs from the repository's file")
            let type = reply.header("Content-Type") ?? ""
            let expected =
                name.hasSuffix(".js") ? "text/javascript" : name.hasSuffix(".css") ? "text/css" : "text/html"
            #expect(type.hasPrefix(expected), "\(name): \(type)")
            Self.expectSecurityHeaders(reply, name)
        }
        for path in ["/console", "/console/"] {
            let reply = fixture.call("GET", path)
            #expect(reply.status == 200 && reply.text.contains("<title>Cordon console</title>"), "\(path)")
            Self.expectSecurityHeaders(reply, path)
        }
    }

    @Test("an unknown console file is 404 with the headers; no path escapes the embedded set")
    func unknownFiles() throws {
        let fixture = try ServerFixture()
        for path in ["/console/nope.js", "/console/..%2F..%2Fopenapi.json", "/console/%2e%2e", "/console/vendor/x.js"] {
            let reply = fixture.call("GET", path)
            #expect(reply.status == 404 && reply.code == "not_found", "\(path): \(reply.status)")
        }
        let reply = fixture.call("GET", "/console/nope.js")
        Self.expectSecurityHeaders(reply, "404")
        #expect(fixture.call("POST", "/console/app.js").status == 405)
    }

    @Test("console files need no token, are served while sealed, and write no audit entry")
    func unauthenticatedAndUnaudited() throws {
        let fixture = try ServerFixture()
        let before = fixture.vault.auditTreeSize
        #expect(fixture.call("GET", "/console/app.js").status == 200)
        #expect(fixture.call("GET", "/console/", token: "cordon_" + String(repeating: "0", count: 64)).status == 200)
        #expect(fixture.call("GET", "/console/missing.css").status == 404)
        #expect(fixture.vault.auditTreeSize == before)
        let sealed = try ServerFixture(sealed: true)
        #expect(sealed.call("GET", "/console/").status == 200)
        #expect(sealed.call("GET", "/v1/whoami", token: "x").code == "sealed")
    }

    @Test("Chart.js comes from Debian's libjs-chart.js when installed, else a 404 that names the package")
    func chartJS() throws {
        let fixture = try ServerFixture()
        let reply = fixture.call("GET", "/console/vendor/chart.js")
        if let bytes = FileManager.default.contents(atPath: "/usr/share/javascript/chart.js/chart.min.js") {
            #expect(reply.status == 200 && Data(reply.body) == bytes)
            #expect(reply.header("Content-Type")?.hasPrefix("text/javascript") == true)
            Self.expectSecurityHeaders(reply, "chart.js")
        } else {
            #expect(reply.status == 404 && reply.text.contains("libjs-chart.js"))
        }
    }

    @Test("the page has no inline script, style or handler; scripts build the DOM from text only")
    func noInlineCodeOrMarkupFromStrings() throws {
        let html = try String(contentsOf: Self.consoleDirectory.appendingPathComponent("index.html"), encoding: .utf8)
        for tag in html.matches(of: /<script[^>]*>/) {
            #expect(tag.output.contains("src=\"/console/"), "inline or foreign script: \(tag.output)")
        }
        #expect(html.firstMatch(of: /<style|\sstyle=|\son[a-z]+=|https?:\/\//) == nil)
        for name in try Self.consoleFiles() where name.hasSuffix(".js") {
            let script = try String(contentsOf: Self.consoleDirectory.appendingPathComponent(name), encoding: .utf8)
            let forbidden =
                /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function|localStorage\.setItem|document\.cookie|https?:\/\/[a-z]/
            #expect(
                script.firstMatch(of: forbidden) == nil,
                "\(name): \(script.firstMatch(of: forbidden).map { String($0.output) } ?? "")"
            )
        }
    }

    @Test("GET /v1/whoami names the calling token's role, regions and purposes, never its secret")
    func whoami() throws {
        let fixture = try ServerFixture()
        let reply = fixture.call("GET", "/v1/whoami", token: "analyst-eu")
        #expect(reply.status == 200)
        #expect(reply.json?["role"] as? String == "analyst" && reply.json?["name"] as? String == "analyst-eu")
        #expect(reply.json?["regions"] as? [String] == ["eu"] && reply.json?["purposes"] as? [String] == ["analytics"])
        #expect(!reply.text.contains(fixture.tokens["analyst-eu"]!))
        #expect(fixture.call("GET", "/v1/whoami").status == 401)
    }

    @Test("GET /v1/keys lists key versions for an admin of every region, not one of a single region")
    func keyStatus() throws {
        let fixture = try ServerFixture()
        let reply = fixture.call("GET", "/v1/keys", token: "admin")
        #expect(reply.status == 200 && (reply.json?["keyrings"] as? [Any])?.isEmpty == false, "\(reply.text)")
        #expect(fixture.call("GET", "/v1/keys", token: "admin-eu").code == "region_not_permitted")
    }

    @Test("audit search filters by region and pages with after")
    func auditRegionAndPaging() throws {
        let fixture = try ServerFixture()
        fixture.ingest(
            "subjects",
            [ServerFixture.subject("eu-1", country: "DE"), ServerFixture.subject("us-1", country: "US")]
        )
        let eu = try #require(fixture.subjectID("eu-1"))
        let us = try #require(fixture.subjectID("us-1"))
        fixture.call("GET", "/v1/subjects/\(eu)", token: "dpo")
        fixture.call("GET", "/v1/subjects/\(us)", token: "dpo")
        let inEU = fixture.call("GET", "/v1/audit/entries?region=eu&limit=1000", token: "dpo")
        let entries = try #require(inEU.json?["entries"] as? [[String: Any]])
        #expect(!entries.isEmpty && entries.allSatisfy { ($0["regions"] as? [String])?.contains("eu") == true })
        let all = try #require(
            fixture.call("GET", "/v1/audit/entries?limit=1000", token: "dpo").json?["entries"] as? [[String: Any]]
        )
        let first = try #require(
            fixture.call("GET", "/v1/audit/entries?limit=2", token: "dpo").json?["entries"] as? [[String: Any]]
        )
        let last = try #require(first.last?["sequence"] as? Int)
        let next = try #require(
            fixture.call("GET", "/v1/audit/entries?limit=2&after=\(last)", token: "dpo").json?["entries"]
                as? [[String: Any]]
        )
        #expect(next.map { $0["sequence"] as? Int } == all.dropFirst(2).prefix(2).map { $0["sequence"] as? Int })
        let beyond = fixture.call("GET", "/v1/audit/entries?after=18446744073709551615", token: "dpo")
        #expect(beyond.status == 200 && (beyond.json?["entries"] as? [Any])?.isEmpty == true)
        #expect(fixture.call("GET", "/v1/audit/entries?after=-1", token: "dpo").status == 400)
    }
}
