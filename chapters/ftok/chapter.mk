# Keys and identifiers: ftok, IPC_PRIVATE, IPC_CREAT/IPC_EXCL, ipc_perm, ids.
PROGRAMS += $(addprefix chapters/ftok/,ftok_key ipc_get ipc_perm ipc_ids)
