from projections import all_projections


def test_every_read_model_is_found_once_by_name():
    names = [p.name for p in all_projections()]
    assert {"directory", "shift_board", "service_records"} <= set(names)
    assert len(names) == len(set(names))
