// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of drivers/virtio/virtio.c: the initialisation sequence and
 * feature negotiation against a fake transport (status register, offered
 * features, a configuration space whose generation changes under the
 * reader, queue sizes), driver matching from the .virtio_drivers section
 * (the test's own drivers; virtio_drivers.ld places the section), probe
 * failures, unknown devices, and DEVICE_NEEDS_RESET taking a device
 * offline.  LeakSanitizer checks that failed probes free their queues.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <vireo/klog.h>
#include <vireo/virtio.h>
#include "unit.h"

#define F(bit) VIRTIO_FEATURE(bit)
#define DEV_FEATURE_A	0	/* a device feature the test driver knows */
#define DEV_FEATURE_B	1	/* one it does not */
#define TEST_DEVICE	4
#define FAILING_DEVICE	9
#define UNKNOWN_DEVICE	42

/* ---- the kernel log: kept for the checks ---- */

static char log_text[4096];

void klog(int level, const char *fmt, ...)
{
	size_t n = strlen(log_text);
	va_list ap;

	(void)level;
	va_start(ap, fmt);
	vsnprintf(log_text + n, sizeof(log_text) - n, fmt, ap);
	va_end(ap);
}

/* ---- the fake transport ---- */

struct fake {
	struct virtio_device vdev;
	uint8_t status;
	uint8_t statuses[16];	/* every value written, in order */
	int nr_statuses;
	int resets;
	uint64_t offered, accepted;
	bool refuse_features;	/* clears FEATURES_OK when it is set */
	uint16_t queue_max;
	int queues_set_up;
	uint8_t config[8];
	uint32_t generation;
	int unsettled_reads;	/* reads during which the config changes */
};

static struct fake *to_fake(struct virtio_device *vdev)
{
	return vdev->transport_priv;
}

static uint8_t get_status(struct virtio_device *vdev)
{
	return to_fake(vdev)->status;
}

static void set_status(struct virtio_device *vdev, uint8_t status)
{
	struct fake *f = to_fake(vdev);

	if (f->refuse_features)
		status &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
	f->status = status;
	if (f->nr_statuses < 16)
		f->statuses[f->nr_statuses++] = status;
}

static void reset(struct virtio_device *vdev)
{
	to_fake(vdev)->resets++;
	set_status(vdev, 0);
}

static uint64_t get_features(struct virtio_device *vdev)
{
	return to_fake(vdev)->offered;
}

static void set_features(struct virtio_device *vdev, uint64_t features)
{
	to_fake(vdev)->accepted = features;
}

/* Each read while unsettled sees a configuration changed under it. */
static void read_config(struct virtio_device *vdev, unsigned int off,
			void *buf, size_t len)
{
	struct fake *f = to_fake(vdev);

	memcpy(buf, f->config + off, len);
	if (f->unsettled_reads) {
		f->unsettled_reads--;
		f->generation++;
		f->config[off]++;
	}
}

static void write_config(struct virtio_device *vdev, unsigned int off,
			 const void *buf, size_t len)
{
	memcpy(to_fake(vdev)->config + off, buf, len);
}

static uint32_t config_generation(struct virtio_device *vdev)
{
	return to_fake(vdev)->generation;
}

static uint16_t queue_max_size(struct virtio_device *vdev, unsigned int idx)
{
	return idx < 2 ? to_fake(vdev)->queue_max : 0;
}

static int queue_setup(struct virtio_device *vdev, struct virtqueue *vq)
{
	(void)vq;
	to_fake(vdev)->queues_set_up++;
	return 0;
}

static void notify(struct virtio_device *vdev, struct virtqueue *vq)
{
	(void)vdev;
	(void)vq;
}

static const struct virtio_transport_ops fake_ops = {
	.get_status = get_status, .set_status = set_status, .reset = reset,
	.get_features = get_features, .set_features = set_features,
	.read_config = read_config, .write_config = write_config,
	.config_generation = config_generation,
	.queue_max_size = queue_max_size, .queue_setup = queue_setup,
	.notify = notify,
};

static void fake_init(struct fake *f, uint32_t device_id, uint64_t offered,
		      bool legacy)
{
	memset(f, 0, sizeof(*f));
	f->vdev.ops = &fake_ops;
	f->vdev.transport_priv = f;
	f->vdev.device_id = device_id;
	f->vdev.legacy = legacy;
	snprintf(f->vdev.name, sizeof(f->vdev.name), "fake%u", device_id);
	f->offered = offered;
	f->queue_max = 1024;
	f->status = 0x7f;	/* whatever firmware left: reset must clear it */
	log_text[0] = 0;
}

/* ---- the test's drivers ---- */

static int probes, callbacks, config_changes;

static void queue_cb(struct virtqueue *vq)
{
	(void)vq;
	callbacks++;
}

static int test_probe(struct virtio_device *vdev)
{
	probes++;
	if (!virtio_find_vq(vdev, 0, 0, queue_cb, "q0") ||
	    !virtio_find_vq(vdev, 1, 16, queue_cb, "q1"))
		return -ENOMEM;
	virtio_device_ready(vdev);
	return 0;
}

static void test_config_changed(struct virtio_device *vdev)
{
	(void)vdev;
	config_changes++;
}

/* Sets up a queue, then fails: the core must free it and reset. */
static int failing_probe(struct virtio_device *vdev)
{
	probes++;
	return virtio_find_vq(vdev, 0, 0, queue_cb, "q0") ? -EIO : -ENOMEM;
}

VIRTIO_DRIVER_DECLARE(test, .name = "test-driver", .device_id = TEST_DEVICE,
		      .features = F(DEV_FEATURE_A), .probe = test_probe,
		      .config_changed = test_config_changed);
VIRTIO_DRIVER_DECLARE(failing, .name = "failing-driver",
		      .device_id = FAILING_DEVICE, .probe = failing_probe);

/* ---- tests ---- */

static const uint64_t ALL_OFFERED =
	F(DEV_FEATURE_A) | F(DEV_FEATURE_B) | F(VIRTIO_F_RING_INDIRECT_DESC) |
	F(VIRTIO_F_RING_EVENT_IDX) | F(VIRTIO_F_VERSION_1) |
	F(VIRTIO_F_ACCESS_PLATFORM);

TEST(modern_device_initialised_in_order)
{
	static struct fake f;

	probes = 0;
	fake_init(&f, TEST_DEVICE, ALL_OFFERED, false);
	EXPECT_EQ(virtio_device_register(&f.vdev), 0);
	EXPECT_EQ(probes, 1);
	/* Only what the driver and the core understand (3.1.1 step 4). */
	EXPECT_EQ(f.accepted, F(DEV_FEATURE_A) | F(VIRTIO_F_RING_INDIRECT_DESC) |
		  F(VIRTIO_F_RING_EVENT_IDX) | F(VIRTIO_F_VERSION_1));
	EXPECT_EQ(f.vdev.features, f.accepted);
	const uint8_t want[] = { 0, 1, 3, 11, 15 };	/* reset, ACK, DRIVER, FEATURES_OK, DRIVER_OK */
	EXPECT_EQ(f.nr_statuses, 5);
	EXPECT(!memcmp(f.statuses, want, sizeof(want)));
	EXPECT(f.vdev.driver && !strcmp(f.vdev.driver->name, "test-driver"));
	EXPECT(strstr(log_text, "fake4: rng (device 4), driver test-driver\n"));
	/* Queue sizes: the default cap (256) and the driver's limit (16). */
	EXPECT_EQ(f.queues_set_up, 2);
	EXPECT_EQ(virtqueue_size(f.vdev.vqs[0]), 256);
	EXPECT_EQ(virtqueue_size(f.vdev.vqs[1]), 16);
	EXPECT(virtio_has_feature(&f.vdev, VIRTIO_F_RING_EVENT_IDX));
}

TEST(modern_device_without_version_1_refused)
{
	static struct fake f;

	probes = 0;
	fake_init(&f, TEST_DEVICE, ALL_OFFERED & ~F(VIRTIO_F_VERSION_1), false);
	EXPECT_EQ(virtio_device_register(&f.vdev), -ENODEV);
	EXPECT_EQ(probes, 0);
	EXPECT_EQ(f.status, VIRTIO_STATUS_FAILED);
	EXPECT(f.vdev.driver == NULL);
	EXPECT(strstr(log_text, "VIRTIO_F_VERSION_1"));
}

TEST(features_ok_refused)
{
	static struct fake f;

	probes = 0;
	fake_init(&f, TEST_DEVICE, ALL_OFFERED, false);
	f.refuse_features = true;
	EXPECT_EQ(virtio_device_register(&f.vdev), -ENODEV);
	EXPECT_EQ(probes, 0);
	EXPECT_EQ(f.status, VIRTIO_STATUS_FAILED);
	EXPECT(strstr(log_text, "refused features"));
}

TEST(legacy_device_32_bits_no_features_ok)
{
	static struct fake f;

	probes = 0;
	fake_init(&f, TEST_DEVICE, ALL_OFFERED & ~F(VIRTIO_F_VERSION_1), true);
	EXPECT_EQ(virtio_device_register(&f.vdev), 0);
	EXPECT_EQ(probes, 1);
	EXPECT_EQ(f.accepted, F(DEV_FEATURE_A) | F(VIRTIO_F_RING_INDIRECT_DESC) |
		  F(VIRTIO_F_RING_EVENT_IDX));
	for (int i = 0; i < f.nr_statuses; i++)
		EXPECT(!(f.statuses[i] & VIRTIO_STATUS_FEATURES_OK));
	EXPECT_EQ(f.status, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
		  VIRTIO_STATUS_DRIVER_OK);
	EXPECT(strstr(log_text, "driver test-driver, legacy interface\n"));
}

TEST(failed_probe_resets_and_frees)
{
	static struct fake f;

	probes = 0;
	fake_init(&f, FAILING_DEVICE, F(VIRTIO_F_VERSION_1), false);
	EXPECT_EQ(virtio_device_register(&f.vdev), -EIO);
	EXPECT_EQ(probes, 1);
	EXPECT_EQ(f.resets, 2);		/* before and after the probe */
	EXPECT_EQ(f.status, VIRTIO_STATUS_FAILED);
	EXPECT_EQ(f.vdev.nr_vqs, 0);
	EXPECT(f.vdev.vqs[0] == NULL);	/* freed: LeakSanitizer would say */
	EXPECT(strstr(log_text, "failing-driver probe failed: -5"));
}

TEST(unknown_device_reset_and_listed)
{
	static struct fake f;
	bool listed = false;

	fake_init(&f, UNKNOWN_DEVICE, ALL_OFFERED, false);
	EXPECT_EQ(virtio_device_register(&f.vdev), 0);
	EXPECT_EQ(f.resets, 1);
	EXPECT_EQ(f.status, 0);
	EXPECT_STR(log_text, "fake42: unknown (device 42), no driver\n");
	for (struct virtio_device *d = virtio_device_first(); d; d = d->next)
		listed |= d == &f.vdev;
	EXPECT(listed);
}

TEST(queues_sized_by_the_device)
{
	static struct fake f;

	fake_init(&f, TEST_DEVICE, ALL_OFFERED, false);
	f.queue_max = 100;	/* not a power of two: rounded down */
	EXPECT_EQ(virtio_device_register(&f.vdev), 0);
	EXPECT_EQ(virtqueue_size(f.vdev.vqs[0]), 64);
	EXPECT_EQ(virtqueue_size(f.vdev.vqs[1]), 16);
	EXPECT(virtio_find_vq(&f.vdev, 1, 0, queue_cb, "again") == NULL);
	EXPECT(virtio_find_vq(&f.vdev, 2, 0, queue_cb, "absent") == NULL);
	EXPECT(virtio_find_vq(&f.vdev, 8, 0, queue_cb, "too far") == NULL);
	EXPECT(strstr(log_text, "no queue 2 (absent)"));
}

TEST(config_read_retries_on_generation_change)
{
	static struct fake f;
	uint8_t v;

	fake_init(&f, UNKNOWN_DEVICE, 0, false);
	f.vdev.ops = &fake_ops;
	f.config[0] = 10;
	f.unsettled_reads = 2;
	virtio_config_read(&f.vdev, 0, &v, 1);
	EXPECT_EQ(v, 12);		/* the value after the last change */
	EXPECT(!f.vdev.broken);
	f.unsettled_reads = 1000;	/* never settles */
	virtio_config_read(&f.vdev, 0, &v, 1);
	EXPECT(f.vdev.broken);
	EXPECT(strstr(log_text, "never settles; device taken offline"));
	v = 7;
	virtio_config_write(&f.vdev, 1, &v, 1);
	EXPECT_EQ(f.config[1], 7);
}

TEST(config_interrupt_reaches_the_driver)
{
	static struct fake f;

	config_changes = callbacks = 0;
	fake_init(&f, TEST_DEVICE, ALL_OFFERED, false);
	EXPECT_EQ(virtio_device_register(&f.vdev), 0);
	virtio_interrupt_config(&f.vdev);
	EXPECT_EQ(config_changes, 1);
	virtio_interrupt_queues(&f.vdev);
	EXPECT_EQ(callbacks, 2);	/* both queues */
}

TEST(needs_reset_takes_device_offline)
{
	static struct fake f;
	uint8_t b[4];
	struct virtq_buf one = { b, 4 };

	config_changes = callbacks = 0;
	fake_init(&f, TEST_DEVICE, ALL_OFFERED, false);
	EXPECT_EQ(virtio_device_register(&f.vdev), 0);
	int resets = f.resets;
	f.status |= VIRTIO_STATUS_NEEDS_RESET;
	virtio_interrupt_config(&f.vdev);
	EXPECT(virtio_device_is_broken(&f.vdev));
	EXPECT_EQ(f.resets, resets + 1);
	EXPECT_EQ(config_changes, 0);
	EXPECT_EQ(callbacks, 2);	/* so the driver fails its waiters */
	EXPECT(strstr(log_text, "fake4: device needs reset (DEVICE_NEEDS_RESET); "
		      "device taken offline\n"));
	EXPECT_EQ(virtqueue_add(f.vdev.vqs[0], &one, 1, 0, b), -EIO);
	/* A second break is not logged again. */
	size_t len = strlen(log_text);
	virtio_device_break(&f.vdev, "again");
	EXPECT_EQ(strlen(log_text), len);
}

UNIT_MAIN(UNIT_CASE(modern_device_initialised_in_order),
	  UNIT_CASE(modern_device_without_version_1_refused),
	  UNIT_CASE(features_ok_refused),
	  UNIT_CASE(legacy_device_32_bits_no_features_ok),
	  UNIT_CASE(failed_probe_resets_and_frees),
	  UNIT_CASE(unknown_device_reset_and_listed),
	  UNIT_CASE(queues_sized_by_the_device),
	  UNIT_CASE(config_read_retries_on_generation_change),
	  UNIT_CASE(config_interrupt_reaches_the_driver),
	  UNIT_CASE(needs_reset_takes_device_offline))
