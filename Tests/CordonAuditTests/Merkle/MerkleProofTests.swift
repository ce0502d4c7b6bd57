import CordonCrypto
import Foundation
import Testing

@testable import CordonAudit

/// A transparency-dev proof vector (inclusion or consistency); absent fields are nil.
struct ProofVector: Decodable {
    var leafIdx: UInt64?
    var treeSize: UInt64?
    var root: String?
    var leafHash: String?
    var size1: UInt64?
    var size2: UInt64?
    var root1: String?
    var root2: String?
    var proof: [String]?
    var desc: String
    var wantErr: Bool
}

@Suite("MerkleProof")
struct MerkleProofTests {
    static func vectorFiles(_ kind: String) -> [URL] {
        let folder = TestSupport.vectors.appending(path: "merkle/\(kind)")
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else {
            return []
        }
        return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
    }

    static func bytes(_ base64: String?) -> [UInt8] {
        Array(Data(base64Encoded: base64 ?? "") ?? Data())
    }

    @Test func transparencyDevInclusionVectorsGiveTheExpectedVerdict() throws {
        let files = Self.vectorFiles("inclusion")
        try #require(
            !files.isEmpty,
            "no vectors under \(TestSupport.vectors.path)/merkle/inclusion: the test bundle lacks Vectors/merkle"
        )
        var accepted = 0
        for file in files {
            let vector = try JSONDecoder().decode(ProofVector.self, from: Data(contentsOf: file))
            let verdict = Result { () throws(AuditError) in
                try MerkleProof.verifyInclusion(
                    leafHash: Self.bytes(vector.leafHash),
                    index: vector.leafIdx!,
                    treeSize: vector.treeSize!,
                    proof: (vector.proof ?? []).map { Self.bytes($0) },
                    root: Self.bytes(vector.root)
                )
            }
            if case .success = verdict { accepted += 1 }
            #expect((try? verdict.get()) == nil ? true : !vector.wantErr, "\(file.lastPathComponent): \(vector.desc)")
            #expect((try? verdict.get()) != nil || vector.wantErr, "\(file.path): \(vector.desc) should verify")
        }
        #expect(files.count == 98)
        #expect(accepted == 6)
    }

    @Test func transparencyDevConsistencyVectorsGiveTheExpectedVerdict() throws {
        let files = Self.vectorFiles("consistency")
        try #require(
            !files.isEmpty,
            "no vectors under \(TestSupport.vectors.path)/merkle/consistency: the test bundle lacks Vectors/merkle"
        )
        for file in files {
            let vector = try JSONDecoder().decode(ProofVector.self, from: Data(contentsOf: file))
            let ok =
                (try? MerkleProof.verifyConsistency(
                    oldSize: vector.size1!,
                    newSize: vector.size2!,
                    proof: (vector.proof ?? []).map { Self.bytes($0) },
                    oldRoot: Self.bytes(vector.root1),
                    newRoot: Self.bytes(vector.root2)
                )) != nil
            #expect(ok == !vector.wantErr, "\(file.path): \(vector.desc)")
        }
        #expect(files.count == 98)
    }

    /// The RFC 6962 reference tree used by transparency-dev (testonly/constants.go).
    static let referenceLeaves: [[UInt8]] = [
        "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f",
    ].map { Hex.decode($0)! }
    static let referenceRoots = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]

    @Test func referenceTreeHasTheKnownRootsAtEverySize() throws {
        var tree = MerkleTree()
        #expect(Hex.encode(tree.rootHash) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        for (leaf, root) in zip(Self.referenceLeaves, Self.referenceRoots) {
            tree.append(leafHash: MerkleHasher.leafHash(leaf))
            #expect(Hex.encode(tree.rootHash) == root)
        }
        for size in 1...8 {
            #expect(Hex.encode(try tree.rootHash(treeSize: UInt64(size))) == Self.referenceRoots[size - 1])
        }
    }

    @Test func referenceTreeProofsMatchTransparencyDev() throws {
        var tree = MerkleTree()
        for leaf in Self.referenceLeaves { tree.append(leafHash: MerkleHasher.leafHash(leaf)) }
        // transparency-dev testonly: inclusion of leaf 0 in 8, consistency 1 → 8.
        #expect(
            try tree.inclusionProof(index: 0, treeSize: 8).map { Hex.encode($0) } == [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]
        )
        #expect(
            try tree.consistencyProof(from: 1, to: 8).map { Hex.encode($0) } == [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]
        )
    }

    static func tree(size: Int) -> MerkleTree {
        var tree = MerkleTree()
        for i in 0..<size { tree.append(leafHash: MerkleHasher.leafHash(Array("leaf \(i)".utf8))) }
        return tree
    }

    @Test func generatedProofsVerifyForEveryPairUpTo64() throws {
        let tree = Self.tree(size: 64)
        for size in UInt64(1)...64 {
            let root = try tree.rootHash(treeSize: size)
            for index in 0..<size {
                let proof = try tree.inclusionProof(index: index, treeSize: size)
                try MerkleProof.verifyInclusion(
                    leafHash: tree.leafHash(at: index),
                    index: index,
                    treeSize: size,
                    proof: proof,
                    root: root
                )
                #expect(throws: AuditError.self) {
                    try MerkleProof.verifyInclusion(
                        leafHash: tree.leafHash(at: (index + 1) % 64),
                        index: index,
                        treeSize: size,
                        proof: proof,
                        root: root
                    )
                }
            }
            for old in 1...size {
                let proof = try tree.consistencyProof(from: old, to: size)
                try MerkleProof.verifyConsistency(
                    oldSize: old,
                    newSize: size,
                    proof: proof,
                    oldRoot: try tree.rootHash(treeSize: old),
                    newRoot: root
                )
            }
        }
    }

    @Test func generatedProofsVerifyForRandomPairsUpTo10k() throws {
        let tree = Self.tree(size: 10_000)
        for _ in 0..<500 {
            let size = SecureRandom.uniform(below: UInt64(10_000)) + 1
            let index = SecureRandom.uniform(below: size)
            let old = SecureRandom.uniform(below: size) + 1
            let root = try tree.rootHash(treeSize: size)
            try MerkleProof.verifyInclusion(
                leafHash: tree.leafHash(at: index),
                index: index,
                treeSize: size,
                proof: try tree.inclusionProof(index: index, treeSize: size),
                root: root
            )
            let proof = try tree.consistencyProof(from: old, to: size)
            try MerkleProof.verifyConsistency(
                oldSize: old,
                newSize: size,
                proof: proof,
                oldRoot: try tree.rootHash(treeSize: old),
                newRoot: root
            )
            if old < size {
                #expect(throws: AuditError.self) {
                    try MerkleProof.verifyConsistency(
                        oldSize: old,
                        newSize: size,
                        proof: proof,
                        oldRoot: root,
                        newRoot: root
                    )
                }
            }
        }
    }

    @Test func proofsOutsideTheTreeAreRefused() {
        let tree = Self.tree(size: 4)
        TestSupport.expectError(.invalidArgument) { _ = try tree.inclusionProof(index: 4, treeSize: 4) }
        TestSupport.expectError(.invalidArgument) { _ = try tree.inclusionProof(index: 0, treeSize: 5) }
        TestSupport.expectError(.invalidArgument) { _ = try tree.consistencyProof(from: 0, to: 4) }
        TestSupport.expectError(.invalidArgument) { _ = try tree.consistencyProof(from: 3, to: 2) }
    }
}
