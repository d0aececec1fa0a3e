import { mountPage } from '../../ui/mount';
import { PopupApp } from './PopupApp';
import './popup.css';

mountPage(<PopupApp />);
