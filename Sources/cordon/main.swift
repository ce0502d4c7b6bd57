import CordonCore

print("cordon \(Cordon.version)")
