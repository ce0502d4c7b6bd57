import Testing

@testable import CordonCore

@Suite("DataCategory")
struct DataCategoryTests {
    @Test(
        arguments: [
            ("user.contact.email", "user.contact", true), ("user.contact.email", "user", true),
            ("user.contact.email", "user.contact.email", true), ("user.contact", "user.contact.email", false),
            ("user.contact.email", "user.con", false), ("user.behavior", "system", false),
        ] as [(DataCategory, DataCategory, Bool)]
    )
    func isWithinMatchesWholeComponents(category: DataCategory, ancestor: DataCategory, expected: Bool) {
        #expect(category.isWithin(ancestor) == expected)
    }

    @Test(arguments: ["user", "user.contact.email", "system.operations", "user.behavior.purchase_history"])
    func wellFormedNamesAreAccepted(name: String) {
        #expect(DataCategory(rawValue: name).isWellFormed)
    }

    @Test(arguments: ["", "user.", ".user", "user..contact", "User.contact", "user.contact-email", "user contact"])
    func malformedNamesAreRejected(name: String) {
        #expect(!DataCategory(rawValue: name).isWellFormed)
    }
}
