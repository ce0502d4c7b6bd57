import CordonCore
import CordonServer
import Foundation
import Testing

/// The node table on its own: what it accepts, how it routes countries, what it names.
@Suite("RegionNodes")
struct RegionNodesTests {
    static let policies = ServerFixture.policies

    @Test("routes countries of every region, its own and others', and names each region's node")
    func routing() throws {
        let nodes = try RegionNodes(configuration: Self.policies, served: ["eu"], nodes: ["us": "https://us.example"])
        #expect(nodes.region(ofCountry: " de ") == "eu" && nodes.region(ofCountry: "US") == "us")
        #expect(nodes.region(ofCountry: "ZZ") == nil && nodes.region(named: "BR") == "br")
        #expect(nodes.nodeURL(for: "eu") == nil, "its own URL is known once it listens")
        nodes.listening(at: "http://127.0.0.1:8701")
        #expect(nodes.nodeURL(for: "eu") == "http://127.0.0.1:8701")
        #expect(nodes.nodeURL(for: "us") == "https://us.example" && nodes.nodeURL(for: "br") == nil)
        #expect(!nodes.servesEverything && nodes.serves("eu") && !nodes.serves("us"))
        let everything = try RegionNodes(
            configuration: Self.policies,
            served: Set(Self.policies.regions.keys),
            nodes: [:]
        )
        #expect(everything.servesEverything)
    }

    @Test("refuses an unknown region, a node URL that is not absolute http(s), and a node for a region it serves")
    func refusals() {
        #expect(throws: NodeConfigurationError.self) {
            try RegionNodes(configuration: Self.policies, served: ["mars"], nodes: [:])
        }
        for url in ["ftp://us.example", "us.example:8443", "https://", "not a url"] {
            #expect(throws: NodeConfigurationError.self, "\(url)") {
                try RegionNodes(configuration: Self.policies, served: ["eu"], nodes: ["us": url])
            }
        }
        #expect(throws: NodeConfigurationError.self) {
            try RegionNodes(configuration: Self.policies, served: ["eu"], nodes: ["eu": "https://eu.example"])
        }
    }
}
