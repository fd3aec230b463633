/* The built-in probe battery of `fakenet check`, linked into the binary. */
	.section .rodata
	.balign 16
	.global fn_embedded_probes_yaml
fn_embedded_probes_yaml:
	.incbin "runner/probes.yaml"
	.global fn_embedded_probes_yaml_end
fn_embedded_probes_yaml_end:
	.byte 0
	/* The tells battery (runner/tells.yaml): what would give fakenet away. */
	.balign 16
	.global fn_embedded_tells_yaml
fn_embedded_tells_yaml:
	.incbin "runner/tells.yaml"
	.global fn_embedded_tells_yaml_end
fn_embedded_tells_yaml_end:
	.byte 0
	.section .note.GNU-stack,"",@progbits
