print("cordon-bench")
