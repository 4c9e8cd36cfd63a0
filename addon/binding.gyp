{
  "targets": [
    {
      "target_name": "tsrun_native",
      "sources": [
        "src/addon.cc",
        "src/bpf_devices.cc",
        "src/child_io.cc",
        "src/clone_into_cgroup.cc",
        "src/host_mounts.cc",
        "src/init_image.cc",
        "src/init_blob.S",
        "src/messages.cc",
        "src/netlink.cc",
        "src/netlink_bindings.cc",
        "src/process_ops.cc",
        "src/pty_proxy.cc",
        "src/seccomp.cc",
        "src/spawn.cc"
      ],
      "libraries": ["-lseccomp"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "TSRUN_INIT_PATH=\"<(module_root_dir)/../build/tsrun-init\""],
      "cflags_cc": ["-std=c++20", "-fexceptions", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags": ["-DTSRUN_INIT_PATH=\"<(module_root_dir)/../build/tsrun-init\""]
    }
  ]
}
