# Message queues: msgget, msgsnd, msgrcv, msgctl, and a server with clients.
PROGRAMS += $(addprefix chapters/msg/,msg_create msg_private msg_send msg_recv msg_stat \
                msg_qbytes msg_rm msg_server msg_client)
