import CordonAudit
import CordonCrypto
import CordonStore

/// The Cordon domain layer.
public enum Cordon {
    public static let version = "0.1.0"
}
