"""The bundled demo: sample licensor and partner sites served on loopback, audited by `syndicheck demo`."""
