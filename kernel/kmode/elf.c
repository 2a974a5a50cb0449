// SPDX-License-Identifier: BSD-2-Clause
/*
 * Validation of ELF executables for EL0 (include/vireo/elf.h): the
 * loader maps only what elf_check() accepted, so this is the one place
 * that trusts nothing in the file.  Each check is on values as read,
 * with sums that cannot wrap (checked adds), before any use.
 */
#include <errno.h>
#include <string.h>
#include <vireo/elf.h>
#include <vireo/mmu.h>
#include <vireo/vmspace.h>

static int header_ok(const Elf64_Ehdr *eh, size_t head_len)
{
	static const unsigned char ident[] = { 0x7f, 'E', 'L', 'F',
					       ELFCLASS64, ELFDATA2LSB,
					       EV_CURRENT };
	uint64_t ph_end;

	if (head_len < sizeof(*eh) || memcmp(eh->e_ident, ident, sizeof(ident)))
		return -ENOEXEC;
	if (eh->e_type != ET_EXEC || eh->e_machine != EM_AARCH64 ||
	    eh->e_version != EV_CURRENT ||
	    eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0)
		return -ENOEXEC;
	if (__builtin_mul_overflow((uint64_t)eh->e_phnum, sizeof(Elf64_Phdr),
				   &ph_end) ||
	    __builtin_add_overflow(ph_end, eh->e_phoff, &ph_end) ||
	    ph_end > head_len || eh->e_phoff % 8)
		return -ENOEXEC;
	return 0;
}

/* A PT_LOAD as a segment, if it fits the file and the window. */
static int segment_of(const Elf64_Phdr *ph, uint64_t file_size,
		      struct elf_segment *s)
{
	uint64_t file_end, mem_end;

	if (ph->p_filesz > ph->p_memsz || ph->p_memsz == 0 ||
	    __builtin_add_overflow(ph->p_offset, ph->p_filesz, &file_end) ||
	    file_end > file_size ||
	    __builtin_add_overflow(ph->p_vaddr, ph->p_memsz, &mem_end) ||
	    ph->p_vaddr < USER_VA_BASE || mem_end > USER_VA_END)
		return -ENOEXEC;
	if ((ph->p_flags & (PF_W | PF_X)) == (PF_W | PF_X))
		return -ENOEXEC;	/* never writable and executable */
	*s = (struct elf_segment){
		.vaddr = ph->p_vaddr, .filesz = ph->p_filesz,
		.memsz = ph->p_memsz, .offset = ph->p_offset,
		.prot = ((ph->p_flags & PF_R) ? VM_READ : 0) |
			((ph->p_flags & PF_W) ? VM_WRITE : 0) |
			((ph->p_flags & PF_X) ? VM_EXEC : 0),
	};
	return 0;
}

static uint64_t page_down(uint64_t a)
{
	return a & ~(uint64_t)(PAGE_SIZE - 1);
}

/* Sorted by address, no two sharing a page (each page gets one
 * protection), the entry in an executable one. */
static int layout_ok(struct elf_image *img)
{
	bool entry_ok = false;

	for (int i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];

		if (i && page_down(s->vaddr) <=
			 page_down(img->seg[i - 1].vaddr + img->seg[i - 1].memsz - 1))
			return -ENOEXEC;
		if ((s->prot & VM_EXEC) && img->entry >= s->vaddr &&
		    img->entry - s->vaddr < s->memsz)
			entry_ok = true;
	}
	return entry_ok ? 0 : -ENOEXEC;
}

int elf_check(const void *head, size_t head_len, uint64_t file_size,
	      struct elf_image *img)
{
	const Elf64_Ehdr *eh = head;
	const Elf64_Phdr *ph;
	int r = header_ok(eh, head_len);

	if (r)
		return r;
	ph = (const Elf64_Phdr *)((const char *)head + eh->e_phoff);
	img->entry = eh->e_entry;
	img->nseg = 0;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_INTERP)
			return -ENOEXEC;	/* dynamic: no loader for it */
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (img->nseg == ELF_MAX_SEGMENTS)
			return -ENOEXEC;
		r = segment_of(&ph[i], file_size, &img->seg[img->nseg]);
		if (r)
			return r;
		img->nseg++;
	}
	return img->nseg ? layout_ok(img) : -ENOEXEC;
}
