/* SPDX-License-Identifier: GPL-2.0 */
/* The refpage_create() wrapper: ENOSYS when the uapi headers lack the number. */
#ifndef REFPAGE_SYSCALL_H
#define REFPAGE_SYSCALL_H

#include <errno.h>
#include <unistd.h>
#include <asm/unistd.h>

/* How refpage_create() fails where the kernel lacks it */
#define REFPAGE_NOSYS ENOSYS

static inline int refpage_create(const void *content, unsigned int size, unsigned long flags)
{
#ifdef __NR_refpage_create
	return syscall(__NR_refpage_create, content, size, flags);
#else
	(void)content; (void)size; (void)flags;
	errno = REFPAGE_NOSYS;
	return -1;
#endif
}

#define REFPAGE_MISSING "refpage_create not in this kernel"

#endif
