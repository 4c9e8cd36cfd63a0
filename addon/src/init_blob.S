/* Embeds the static tsrun-init executable into the addon. */
	.section .rodata
	.balign 16
	.global tsrun_init_start
	.global tsrun_init_end
tsrun_init_start:
	.incbin TSRUN_INIT_PATH
tsrun_init_end:
	.section .note.GNU-stack,"",@progbits
