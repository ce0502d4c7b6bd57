public import CordonCrypto
// Public only for this conformance (two public types); no signature exposes CordonStore.
public import CordonStore

/// A page key reaches the store's VFS as bytes (CordonStore does not depend on
/// CordonCrypto); the VFS copies them into its own guarded memory.
extension SecretKey: PageKeyMaterial where Role == PageKeyRole {}
