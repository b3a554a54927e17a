// SPDX-License-Identifier: GPL-2.0
/*
 * MTE on the guest: a store through a pointer with the right tag works, a
 * load with the wrong tag faults with SEGV_MTESERR (synchronous mode).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "kselftest_harness.h"

#if defined(__aarch64__)
#include <sys/auxv.h>
#include <linux/prctl.h>

#ifndef HWCAP2_MTE
#define HWCAP2_MTE (1 << 18)
#endif
#ifndef PROT_MTE
#define PROT_MTE 0x20
#endif
#ifndef SEGV_MTESERR
#define SEGV_MTESERR 9
#endif

static sigjmp_buf fault_jmp;
static volatile int fault_code;

static void on_segv(int sig, siginfo_t *info, void *uc)
{
	(void)sig; (void)uc;
	fault_code = info->si_code;
	siglongjmp(fault_jmp, 1);
}

static void *with_tag(void *p, unsigned long tag)
{
	return (void *)(((uintptr_t)p & ~(0xfUL << 56)) | (tag << 56));
}

static void set_tag(void *tagged)
{
	asm volatile("stg %0, [%0]" : : "r"(tagged) : "memory");
}

FIXTURE(mte) {
	char *mem;
	long page;
};

FIXTURE_SETUP(mte)
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };

	self->mem = MAP_FAILED;
	if (!(getauxval(AT_HWCAP2) & HWCAP2_MTE))
		SKIP(return, "this CPU has no MTE (qemu needs -machine virt,mte=on -cpu max)");
	ASSERT_EQ(0, prctl(PR_SET_TAGGED_ADDR_CTRL, PR_TAGGED_ADDR_ENABLE |
			   PR_MTE_TCF_SYNC | (0xfffeUL << PR_MTE_TAG_SHIFT), 0, 0, 0));
	ASSERT_EQ(0, sigaction(SIGSEGV, &sa, NULL));
	self->page = sysconf(_SC_PAGESIZE);
	self->mem = mmap(NULL, self->page, PROT_READ | PROT_WRITE | PROT_MTE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
}

FIXTURE_TEARDOWN(mte)
{
	if (self->mem != MAP_FAILED)
		munmap(self->mem, self->page);
}

TEST_F(mte, matching_tag_store_works)
{
	char *p = with_tag(self->mem, 3);

	set_tag(p);
	fault_code = 0;
	if (sigsetjmp(fault_jmp, 1) == 0)
		p[0] = 42;
	ASSERT_EQ(0, fault_code);
	ASSERT_EQ(42, p[0]);
}

TEST_F(mte, mismatching_tag_faults_sync)
{
	volatile char *wrong = with_tag(self->mem, 5);

	set_tag(with_tag(self->mem, 3));
	fault_code = 0;
	if (sigsetjmp(fault_jmp, 1) == 0)
		(void)wrong[0];
	ASSERT_EQ(SEGV_MTESERR, fault_code);
}

#else

TEST(mte)
{
	SKIP(return, "MTE is arm64 only");
}

#endif

TEST_HARNESS_MAIN
