/* The shipped identities, linked into the binary so it runs with no data files installed. */
	.section .rodata
	.balign 16
	.global fn_embedded_docker_yaml
fn_embedded_docker_yaml:
	.incbin "identities/docker.yaml"
	.global fn_embedded_docker_yaml_end
fn_embedded_docker_yaml_end:
	.byte 0
	.balign 16
	.global fn_embedded_desktop_yaml
fn_embedded_desktop_yaml:
	.incbin "identities/desktop.yaml"
	.global fn_embedded_desktop_yaml_end
fn_embedded_desktop_yaml_end:
	.byte 0
	.balign 16
	.global fn_embedded_multi_nic_yaml
fn_embedded_multi_nic_yaml:
	.incbin "identities/multi-nic.yaml"
	.global fn_embedded_multi_nic_yaml_end
fn_embedded_multi_nic_yaml_end:
	.byte 0
	.section .note.GNU-stack,"",@progbits
