/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * STUBBED: there so that a fixture compiles, doing nothing the tests
 * compare: section annotations, messages (type-checked, never printed),
 * module boilerplate, scheduling hints, file operations without I/O
 * (defined in model.c) and the device types a fixture names.
 */
#ifndef VMM_STUBBED_H
#define VMM_STUBBED_H

/* Sections: a userspace object has none of the kernel's */
#define __init
#define __exit
#define __initdata
#define __ro_after_init
#define __read_mostly

#define KERN_ERR		""
#define KERN_WARNING		""
#define KERN_INFO		""
#define KERN_DEBUG		""
/* Messages are type-checked but not printed: the tests compare effects. */
#define __vmm_no_print(fmt, ...) \
	do { if (0) printf(fmt, ##__VA_ARGS__); } while (0)
#define printk(fmt, ...)	__vmm_no_print(fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...)	__vmm_no_print(fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)	__vmm_no_print(fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)	__vmm_no_print(fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)	__vmm_no_print(fmt, ##__VA_ARGS__)
#define pr_err_ratelimited(fmt, ...)	__vmm_no_print(fmt, ##__VA_ARGS__)
#define pr_warn_once(fmt, ...)	__vmm_no_print(fmt, ##__VA_ARGS__)
#define dev_err(d, fmt, ...)	do { (void)(d); __vmm_no_print(fmt, ##__VA_ARGS__); } while (0)
#define dev_warn(d, fmt, ...)	do { (void)(d); __vmm_no_print(fmt, ##__VA_ARGS__); } while (0)
#define dev_info(d, fmt, ...)	do { (void)(d); __vmm_no_print(fmt, ##__VA_ARGS__); } while (0)
#define dev_dbg(d, fmt, ...)	do { (void)(d); __vmm_no_print(fmt, ##__VA_ARGS__); } while (0)

/* Modules and exports */

struct module;
#define THIS_MODULE		((struct module *)0)
#define EXPORT_SYMBOL(sym)	extern typeof(sym) sym
#define EXPORT_SYMBOL_GPL(sym)	extern typeof(sym) sym
#define EXPORT_SYMBOL_NS_GPL(sym, ns)	extern typeof(sym) sym
#define MODULE_LICENSE(x)	extern int __vmm_module_unused
#define MODULE_AUTHOR(x)	extern int __vmm_module_unused
#define MODULE_DESCRIPTION(x)	extern int __vmm_module_unused
#define module_init(fn)		extern int __vmm_module_unused
#define module_exit(fn)		extern int __vmm_module_unused

/* Scheduling: the model is one thread that never sleeps */
static inline bool signal_pending(struct task_struct *t) { (void)t; return false; }
static inline void might_sleep(void) { }
static inline void cond_resched(void) { }

/* No memory encryption, no page flags */
#define pgprot_decrypted(p)	(p)
#define pgprot_encrypted(p)	(p)
#define SetPageReserved(p)	((void)(p))
#define ClearPageReserved(p)	((void)(p))

/* File operations an initializer names, defined in model.c without I/O
 * (simple_open() sets private_data, as the kernel's does) */
loff_t generic_file_llseek(struct file *file, loff_t offset, int whence);
loff_t noop_llseek(struct file *file, loff_t offset, int whence);
loff_t default_llseek(struct file *file, loff_t offset, int whence);
ssize_t generic_file_read_iter(struct kiocb *iocb, struct iov_iter *iter);
ssize_t generic_file_write_iter(struct kiocb *iocb, struct iov_iter *iter);
int generic_file_fsync(struct file *file, loff_t start, loff_t end, int datasync);
int nonseekable_open(struct inode *inode, struct file *filp);
int simple_open(struct inode *inode, struct file *file);

/* Devices: only the members fixtures read */
struct device { void *driver_data; const char *name; };
static inline void *dev_get_drvdata(const struct device *dev) { return dev->driver_data; }
static inline void dev_set_drvdata(struct device *dev, void *data) { dev->driver_data = data; }
struct cdev { struct module *owner; dev_t dev; };
struct miscdevice { int minor; const char *name; const struct file_operations *fops; struct device *this_device; };

#endif /* VMM_STUBBED_H */
